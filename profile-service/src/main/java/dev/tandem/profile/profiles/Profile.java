package dev.tandem.profile.profiles;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A row of the {@code profiles} table.
 *
 * @param username copy of the user's username, for display without asking identity-service
 * @param email copy of the user's email, likewise
 * @param attributes the custom fields the deployment's {@link ProfileSchema} declares, a JSON object
 * @param rejectedInitialValues values sent at registration that the profile could not take, and why
 * @param avatarEtag the ETag of the profile picture, null when there is none
 * @param version grows with every change of the profile itself
 * @param identityVersion the version of the last user event applied, so older events can be recognised
 */
public record Profile(UUID userId, @Nullable String username, @Nullable String email, @Nullable String displayName,
		@Nullable String bio, @Nullable LocalDate birthdate, @Nullable String phoneNumber, @Nullable String website,
		@Nullable String company, @Nullable String location, JsonNode attributes,
		List<InvalidProfile.FieldProblem> rejectedInitialValues, @Nullable String avatarEtag, Instant createdAt,
		Instant updatedAt, long version, long identityVersion) {

	/** This profile with its version advanced by one. */
	Profile advanced() {
		return new Profile(userId, username, email, displayName, bio, birthdate, phoneNumber, website, company,
				location, attributes, rejectedInitialValues, avatarEtag, createdAt, updatedAt, version + 1,
				identityVersion);
	}

	/** The names of the fields, as {@code ProfileUpdated} names them, whose values differ from {@code before}. */
	Set<String> changedSince(Profile before) {
		Set<String> changed = new TreeSet<>();
		differs(changed, "username", before.username, username);
		differs(changed, "email", before.email, email);
		differs(changed, "displayName", before.displayName, displayName);
		differs(changed, "bio", before.bio, bio);
		differs(changed, "birthdate", before.birthdate, birthdate);
		differs(changed, "phoneNumber", before.phoneNumber, phoneNumber);
		differs(changed, "website", before.website, website);
		differs(changed, "company", before.company, company);
		differs(changed, "location", before.location, location);
		differs(changed, "attributes", before.attributes, attributes);
		differs(changed, "avatar", before.avatarEtag, avatarEtag);
		return changed;
	}

	private static void differs(Set<String> changed, String field, @Nullable Object before, @Nullable Object after) {
		if (!Objects.equals(before, after)) {
			changed.add(field);
		}
	}
}
