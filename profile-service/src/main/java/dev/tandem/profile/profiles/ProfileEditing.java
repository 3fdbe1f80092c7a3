package dev.tandem.profile.profiles;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Applies merge patches to profiles: the row is locked, an {@code If-Match} version checked, the patch validated
 * and applied, the version advanced and a {@code ProfileUpdated} written, all in one transaction. The first edit also
 * clears the list of rejected registration values: the owner has seen them by then.
 */
@Service
class ProfileEditing {

	private final Profiles profiles;

	private final TransactionalOperator transactions;

	private final ProfileSchema schema;

	private final Clock clock;

	ProfileEditing(Profiles profiles, TransactionalOperator transactions, ProfileSchema schema, Clock clock) {
		this.profiles = profiles;
		this.transactions = transactions;
		this.schema = schema;
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
			Profile changed = ProfilePatch.apply(current, patch, clock.instant().truncatedTo(ChronoUnit.MICROS), schema);
			Set<String> changedFields = changed.changedSince(current);
			if (changedFields.isEmpty() && current.rejectedInitialValues().isEmpty()) {
				// Nothing to change: same version, same ETag, no event.
				return Mono.just(current);
			}
			return profiles.update(changed, changedFields).thenReturn(changed);
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
