package dev.tandem.profile.profiles;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Set;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * A profile as the API shows it. The owner and admins get every field; others the public ones only (the rest are
 * left out of the JSON).
 */
record ProfileView(UUID userId, @Nullable String username, @Nullable String email, @Nullable String displayName,
		@Nullable String bio, @Nullable LocalDate birthdate, @Nullable String phoneNumber, @Nullable String website,
		@Nullable String company, @Nullable String location, Instant createdAt, Instant updatedAt, long version) {

	static ProfileView of(Profile profile) {
		return new ProfileView(profile.userId(), profile.username(), profile.email(), profile.displayName(),
				profile.bio(), profile.birthdate(), profile.phoneNumber(), profile.website(), profile.company(),
				profile.location(), profile.createdAt(), profile.updatedAt(), profile.version());
	}

	static ProfileView publicPart(Profile profile, Set<String> publicFields) {
		return new ProfileView(profile.userId(), only(publicFields, "username", profile.username()),
				only(publicFields, "email", profile.email()), only(publicFields, "displayName", profile.displayName()),
				only(publicFields, "bio", profile.bio()), only(publicFields, "birthdate", profile.birthdate()),
				only(publicFields, "phoneNumber", profile.phoneNumber()),
				only(publicFields, "website", profile.website()), only(publicFields, "company", profile.company()),
				only(publicFields, "location", profile.location()), profile.createdAt(), profile.updatedAt(),
				profile.version());
	}

	private static <T> @Nullable T only(Set<String> publicFields, String field, @Nullable T value) {
		return publicFields.contains(field) ? value : null;
	}
}
