package dev.tandem.events.user;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/**
 * A user was created.
 *
 * @param initialProfile optional profile values given at registration (a JSON object), absent when none were given;
 *        members whose value is null are left out
 */
public record UserCreated(UUID userId, long version, Instant occurredAt, String username, String email,
		String firstName, String lastName, boolean active,
		@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Map<String, Object> initialProfile) implements UserEvent {

	/** The CloudEvents type of this event. */
	public static final String TYPE = "dev.tandem.identity.user.created.v1";

	public UserCreated {
		Objects.requireNonNull(userId, "userId");
		Objects.requireNonNull(occurredAt, "occurredAt");
		Objects.requireNonNull(username, "username");
		Objects.requireNonNull(email, "email");
		firstName = firstName == null ? "" : firstName;
		lastName = lastName == null ? "" : lastName;
		// A null value means no value: it is left out (Map.copyOf would refuse it).
		initialProfile = initialProfile == null ? null
				: initialProfile.entrySet()
					.stream()
					.filter(entry -> entry.getValue() != null)
					.collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
	}
}
