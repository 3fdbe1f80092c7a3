package dev.tandem.events.user;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A user was deleted; the event carries the last identity facts the user had.
 */
public record UserDeleted(UUID userId, long version, Instant occurredAt, String username, String email,
		String firstName, String lastName, boolean active) implements UserEvent {

	/** The CloudEvents type of this event. */
	public static final String TYPE = "dev.tandem.identity.user.deleted.v1";

	public UserDeleted {
		Objects.requireNonNull(userId, "userId");
		Objects.requireNonNull(occurredAt, "occurredAt");
		Objects.requireNonNull(username, "username");
		Objects.requireNonNull(email, "email");
		firstName = firstName == null ? "" : firstName;
		lastName = lastName == null ? "" : lastName;
	}
}
