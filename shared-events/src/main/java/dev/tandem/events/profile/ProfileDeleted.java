package dev.tandem.events.profile;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A profile was removed, because its user was deleted.
 *
 * @param version the version of the profile's last state, so a consumer can tell this event follows it
 */
public record ProfileDeleted(UUID userId, long version, Instant occurredAt) implements ProfileEvent {

	/** The CloudEvents type of this event. */
	public static final String TYPE = "dev.tandem.profile.profile.deleted.v1";

	public ProfileDeleted {
		Objects.requireNonNull(userId, "userId");
		Objects.requireNonNull(occurredAt, "occurredAt");
	}
}
