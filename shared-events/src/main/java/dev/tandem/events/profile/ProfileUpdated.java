package dev.tandem.events.profile;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * A profile was created or changed; the event carries all of it. The first event of a profile has version 1.
 *
 * @param username copy of the user's username
 * @param email copy of the user's email
 * @param attributes the custom fields the deployment's profile schema declares
 * @param hasAvatar whether the profile has a picture
 * @param complete whether every field the profile schema requires has a value
 * @param changedFields the names of the fields this change touched; on creation, every field that has a value
 */
public record ProfileUpdated(UUID userId, long version, Instant occurredAt, @Nullable String username,
		@Nullable String email, @Nullable String displayName, @Nullable String bio, @Nullable LocalDate birthdate,
		@Nullable String phoneNumber, @Nullable String website, @Nullable String company, @Nullable String location,
		Map<String, Object> attributes, boolean hasAvatar, boolean complete, Set<String> changedFields)
		implements ProfileEvent {

	/** The CloudEvents type of this event. */
	public static final String TYPE = "dev.tandem.profile.profile.updated.v1";

	public ProfileUpdated {
		Objects.requireNonNull(userId, "userId");
		Objects.requireNonNull(occurredAt, "occurredAt");
		attributes = attributes == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
		// sorted, so the same change always serialises the same way
		changedFields = changedFields == null ? Set.of() : Collections.unmodifiableSortedSet(new TreeSet<>(changedFields));
	}
}
