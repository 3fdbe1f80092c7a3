package dev.tandem.profile.profiles;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * A profile as the API shows it.
 */
record ProfileView(UUID userId, @Nullable String username, @Nullable String displayName, @Nullable String bio,
		@Nullable LocalDate birthdate, @Nullable String phoneNumber, @Nullable String website, @Nullable String company,
		@Nullable String location, Instant createdAt, Instant updatedAt, long version) {

	static ProfileView of(Profile profile) {
		return new ProfileView(profile.userId(), profile.username(), profile.displayName(), profile.bio(),
				profile.birthdate(), profile.phoneNumber(), profile.website(), profile.company(), profile.location(),
				profile.createdAt(), profile.updatedAt(), profile.version());
	}
}
