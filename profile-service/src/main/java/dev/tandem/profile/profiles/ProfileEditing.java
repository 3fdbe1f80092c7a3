package dev.tandem.profile.profiles;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.UUID;

import dev.tandem.support.web.VersionTags;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Applies merge patches to profiles: an {@code If-Match} version checked, the patch validated and applied, the
 * version advanced and a {@code ProfileUpdated} written, all or nothing. The first edit also clears the list of
 * rejected registration values: the owner has seen them by then.
 *
 * <p>A change is first made optimistically: the profile as just read is patched, and written with its event in one
 * statement on condition that its version is still the one read (two round trips, no lock held in between). Only if
 * something changed the profile in between (another edit, a user event, an avatar) is the change made again the
 * careful way: in a transaction that takes the user's lock as the event consumer does, and the row's, and patches the
 * profile as it is then. A change is therefore never lost and never applied to a version it was not checked against.
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
	 * @param current the profile as just read
	 * @param ifMatch the {@code If-Match} header, or null to change whatever the current version is
	 */
	Mono<Profile> patch(Profile current, JsonNode patch, @Nullable String ifMatch) {
		return Mono.defer(() -> {
			Patched change = change(current, patch, ifMatch);
			if (change.isNone()) {
				return Mono.just(current);
			}
			return profiles.updateIfAt(current.version(), change.profile(), change.fields())
				.flatMap(written -> written ? Mono.just(change.profile()) : locked(current.userId(), patch, ifMatch));
		});
	}

	/** The careful way: the user's and the row's lock, and the profile as it is under them. */
	private Mono<Profile> locked(UUID userId, JsonNode patch, @Nullable String ifMatch) {
		return profiles.lock(userId).switchIfEmpty(Mono.error(() -> new ProfileNotFound(userId))).flatMap(current -> {
			Patched change = change(current, patch, ifMatch);
			return change.isNone() ? Mono.just(current)
					: profiles.update(change.profile(), change.fields()).thenReturn(change.profile());
		}).as(transactions::transactional);
	}

	/**
	 * What {@code patch} makes of {@code current}: the version advanced, the time of the change, and the fields it
	 * changes.
	 */
	private Patched change(Profile current, JsonNode patch, @Nullable String ifMatch) {
		if (ifMatch != null && !VersionTags.matches(ifMatch, current.version())) {
			throw new StaleProfile(ifMatch, current.version());
		}
		Profile changed = ProfilePatch.apply(current, patch, clock.instant().truncatedTo(ChronoUnit.MICROS), schema);
		Set<String> changedFields = changed.changedSince(current);
		// Nothing to change: same version, same ETag, no event.
		return new Patched(changed, changedFields, changedFields.isEmpty() && current.rejectedInitialValues().isEmpty());
	}

	/** A patched profile and the fields that changed; none when the patch changes nothing. */
	private record Patched(Profile profile, Set<String> fields, boolean isNone) {
	}
}
