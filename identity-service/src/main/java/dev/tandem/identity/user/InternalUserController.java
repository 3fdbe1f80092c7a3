package dev.tandem.identity.user;

import java.util.List;
import java.util.UUID;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.jspecify.annotations.Nullable;

import reactor.core.publisher.Mono;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The API for other services (client-credentials tokens with scope {@code users:read}): the same identity facts
 * the events carry, for a service that cannot wait for an event.
 */
@RestController
class InternalUserController {

	private final Accounts accounts;

	private final Users users;

	InternalUserController(Accounts accounts, Users users) {
		this.accounts = accounts;
		this.users = users;
	}

	/**
	 * Every user's facts, a page at a time in id order (keyset paging: {@code after} is the last id of the previous
	 * page), so another service can stream all users without one giant answer.
	 */
	@GetMapping("/internal/users")
	Mono<UserFactsPage> users(@RequestParam(required = false) @Nullable UUID after,
			@RequestParam(defaultValue = "1000") @Min(1) @Max(5000) int limit) {
		return users.pageAfter(after, limit).map(UserFacts::of).collectList().map(items -> new UserFactsPage(items,
				items.size() < limit ? null : items.get(items.size() - 1).userId()));
	}

	@GetMapping("/internal/users/{id}")
	Mono<UserFacts> user(@PathVariable UUID id) {
		return accounts.find(id).map(UserFacts::of);
	}

	/** One page of users; {@code next} is the {@code after} of the following page, absent on the last. */
	record UserFactsPage(List<UserFacts> items, @Nullable UUID next) {
	}

	/** The identity facts of a user, as in every user event. */
	record UserFacts(UUID userId, long version, String username, String email, String firstName, String lastName,
			boolean active) {

		static UserFacts of(User user) {
			return new UserFacts(user.id(), user.version(), user.username(), user.email(), user.firstName(),
					user.lastName(), user.active());
		}
	}
}
