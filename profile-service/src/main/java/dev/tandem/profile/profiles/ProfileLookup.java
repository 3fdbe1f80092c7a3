package dev.tandem.profile.profiles;

import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import dev.tandem.events.user.UserUpdated;
import dev.tandem.profile.identity.IdentityClient;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Service;

/**
 * Finds a profile, and when there is none yet asks identity-service whether the user exists: a client that
 * registers and at once reads its profile must not see 404 because the event is still in flight (seed 002's
 * {@code get_or_create}). The profile is then created on the spot with the consumer's own idempotent statement, so
 * the event that arrives later changes nothing. When identity-service cannot be asked (unreachable, too slow, or no
 * client secret configured to ask it with), the answer is 503, not 404: only identity-service can say there is no
 * such user.
 */
@Service
public class ProfileLookup {

	private final Profiles profiles;

	private final IdentityClient identity;

	private final Clock clock;

	ProfileLookup(Profiles profiles, IdentityClient identity, Clock clock) {
		this.profiles = profiles;
		this.identity = identity;
		this.clock = clock;
	}

	/**
	 * @return the profile; fails with {@link ProfileNotFound} if the user does not exist, or with
	 *         {@link dev.tandem.profile.identity.IdentityUnavailable} if that cannot be known now
	 */
	public Mono<Profile> find(UUID userId) {
		return profiles.findById(userId)
			.switchIfEmpty(Mono.defer(() -> createFromIdentity(userId)))
			.switchIfEmpty(Mono.error(() -> new ProfileNotFound(userId)));
	}

	private Mono<Profile> createFromIdentity(UUID userId) {
		return identity.user(userId)
			.flatMap(user -> profiles.applyAll(List.of(new UserUpdated(user.userId(), user.version(), clock.instant(),
					user.username(), user.email(), user.firstName(), user.lastName(), user.active(), Set.of())),
					clock.instant()))
			.flatMap(created -> profiles.findById(userId));
	}
}
