package dev.tandem.profile.profiles;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Applies merge patches to profiles: the row is locked, an {@code If-Match} version checked, the patch validated
 * and applied, and the version advanced, all in one transaction.
 */
@Service
class ProfileEditing {

	private final Profiles profiles;

	private final TransactionalOperator transactions;

	private final Clock clock;

	ProfileEditing(Profiles profiles, TransactionalOperator transactions, Clock clock) {
		this.profiles = profiles;
		this.transactions = transactions;
		this.clock = clock;
	}

	/**
	 * @param ifMatch the {@code If-Match} header, or null to change whatever the current version is
	 */
	Mono<Profile> patch(UUID userId, JsonNode patch, @Nullable String ifMatch) {
		return profiles.lock(userId).switchIfEmpty(Mono.error(() -> new ProfileNotFound(userId))).flatMap(current -> {
			if (ifMatch != null && !matches(ifMatch, current.version())) {
				return Mono.error(new StaleProfile(ifMatch, current.version()));
			}
			Profile changed = ProfilePatch.apply(current, patch, clock.instant().truncatedTo(ChronoUnit.MICROS));
			return profiles.update(changed).thenReturn(changed);
		}).as(transactions::transactional);
	}

	static String etag(long version) {
		return "\"" + version + "\"";
	}

	private static boolean matches(String ifMatch, long version) {
		for (String candidate : ifMatch.split(",")) {
			String tag = candidate.strip();
			if (tag.equals("*") || tag.replaceFirst("^W/", "").equals(etag(version))) {
				return true;
			}
		}
		return false;
	}
}
