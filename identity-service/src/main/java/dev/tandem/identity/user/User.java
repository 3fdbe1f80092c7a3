package dev.tandem.identity.user;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * A row of the {@code users} table.
 *
 * @param passwordHash in {@link org.springframework.security.crypto.password.DelegatingPasswordEncoder} form
 *        ({@code {argon2}...}); absent for a user who has to set a password first
 * @param version grows by one with every change, and travels in every event about the user
 */
record User(UUID id, String username, String email, @Nullable String passwordHash, String firstName, String lastName,
		boolean active, boolean staff, List<String> roles, Instant dateJoined, @Nullable Instant lastLogin,
		long version) {
}
