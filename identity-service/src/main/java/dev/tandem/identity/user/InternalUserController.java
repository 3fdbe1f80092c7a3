package dev.tandem.identity.user;

import java.util.UUID;

import reactor.core.publisher.Mono;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * The API for other services (client-credentials tokens with scope {@code users:read}): the same identity facts
 * the events carry, for a service that cannot wait for an event.
 */
@RestController
class InternalUserController {

	private final Accounts accounts;

	InternalUserController(Accounts accounts) {
		this.accounts = accounts;
	}

	@GetMapping("/internal/users/{id}")
	Mono<UserFacts> user(@PathVariable UUID id) {
		return accounts.find(id).map(UserFacts::of);
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
