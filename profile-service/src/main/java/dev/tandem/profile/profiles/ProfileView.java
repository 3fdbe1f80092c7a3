package dev.tandem.profile.profiles;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A profile as the API shows it. The owner and admins get every field, whether it is complete and what registration
 * values were refused; others the public fields only (the rest are left out of the JSON).
 *
 * @param complete whether every attribute the profile schema requires has a value (owner and admins only)
 * @param missingFields JSON pointers of the required attributes without a value (owner and admins only)
 * @param rejectedInitialValues values sent at registration the profile could not take, until its first edit
 * @param avatarUrl where the profile picture is, with its ETag so a changed picture gets a new URL
 */
record ProfileView(UUID userId, @Nullable String username, @Nullable String email, @Nullable String displayName,
		@Nullable String bio, @Nullable LocalDate birthdate, @Nullable String phoneNumber, @Nullable String website,
		@Nullable String company, @Nullable String location, JsonNode attributes, @Nullable Boolean complete,
		@Nullable List<String> missingFields, @Nullable List<InvalidProfile.FieldProblem> rejectedInitialValues,
		@Nullable String avatarUrl, Instant createdAt, Instant updatedAt, long version) {

	static ProfileView of(Profile profile, ProfileSchema schema) {
		List<String> missing = schema.missingFields(profile.attributes());
		return new ProfileView(profile.userId(), profile.username(), profile.email(), profile.displayName(),
				profile.bio(), profile.birthdate(), profile.phoneNumber(), profile.website(), profile.company(),
				profile.location(), profile.attributes(), missing.isEmpty(), missing,
				profile.rejectedInitialValues().isEmpty() ? null : profile.rejectedInitialValues(), avatarUrl(profile),
				profile.createdAt(), profile.updatedAt(), profile.version());
	}

	static ProfileView publicPart(Profile profile, ProfileSettings settings) {
		Set<String> fields = settings.publicFields();
		ObjectNode attributes = ((ObjectNode) profile.attributes()).deepCopy();
		attributes.retain(settings.publicAttributes());
		return new ProfileView(profile.userId(), only(fields, "username", profile.username()),
				only(fields, "email", profile.email()), only(fields, "displayName", profile.displayName()),
				only(fields, "bio", profile.bio()), only(fields, "birthdate", profile.birthdate()),
				only(fields, "phoneNumber", profile.phoneNumber()), only(fields, "website", profile.website()),
				only(fields, "company", profile.company()), only(fields, "location", profile.location()), attributes,
				null, null, null, avatarUrl(profile), profile.createdAt(), profile.updatedAt(), profile.version());
	}

	private static @Nullable String avatarUrl(Profile profile) {
		return profile.avatarEtag() == null ? null
				: "/api/profiles/" + profile.userId() + "/avatar?v=" + profile.avatarEtag();
	}

	private static <T> @Nullable T only(Set<String> publicFields, String field, @Nullable T value) {
		return publicFields.contains(field) ? value : null;
	}
}
