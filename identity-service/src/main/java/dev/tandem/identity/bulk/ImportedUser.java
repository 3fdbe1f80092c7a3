package dev.tandem.identity.bulk;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * One NDJSON line of a bulk import.
 *
 * @param id the user's id, to keep ids from another system; a new one when absent
 * @param passwordHash an existing hash: Django's {@code pbkdf2_sha256$...} or Spring Security's {@code {id}...}
 *        form; absent for users who must set a password first
 * @param profile initial profile values, carried in {@code UserCreated}
 */
record ImportedUser(@Nullable UUID id, @Nullable String username, @Nullable String email, @Nullable String firstName,
		@Nullable String lastName, @Nullable Boolean active, @Nullable String passwordHash, @Nullable List<String> roles,
		@Nullable Instant dateJoined, @Nullable Map<String, Object> profile) {
}
