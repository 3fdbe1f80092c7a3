package dev.tandem.events.user;

import java.time.Instant;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * A user's identity facts changed; the event carries their new values, and {@link #changedFields()} names which.
 *
 * @param changedFields the names of the fields this change touched: {@code username}, {@code email},
 *        {@code firstName}, {@code lastName}, {@code active}
 */
public record UserUpdated(UUID userId, long version, Instant occurredAt, String username, String email,
		String firstName, String lastName, boolean active, Set<String> changedFields) implements UserEvent {

	/** The CloudEvents type of this event. */
	public static final String TYPE = "dev.tandem.identity.user.updated.v1";

	public UserUpdated {
		Objects.requireNonNull(userId, "userId");
		Objects.requireNonNull(occurredAt, "occurredAt");
		Objects.requireNonNull(username, "username");
		Objects.requireNonNull(email, "email");
		firstName = firstName == null ? "" : firstName;
		lastName = lastName == null ? "" : lastName;
		// sorted, so the same change always serialises the same way
		changedFields = changedFields == null ? Set.of() : Collections.unmodifiableSortedSet(new TreeSet<>(changedFields));
	}
}
