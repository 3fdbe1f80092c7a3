package dev.tandem.profile.profiles;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * A row of the {@code profiles} table.
 *
 * @param username copy of the user's username, for display without asking identity-service
 * @param email copy of the user's email, likewise
 * @param version grows with every change of the profile itself
 * @param identityVersion the version of the last user event applied, so older events can be recognised
 */
public record Profile(UUID userId, @Nullable String username, @Nullable String email, @Nullable String displayName,
		@Nullable String bio, @Nullable LocalDate birthdate, @Nullable String phoneNumber, @Nullable String website,
		@Nullable String company, @Nullable String location, Instant createdAt, Instant updatedAt, long version,
		long identityVersion) {
}
