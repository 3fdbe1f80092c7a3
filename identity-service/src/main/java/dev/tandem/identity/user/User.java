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
 * @param roles the user's roles, such as {@code admin}
 * @param version grows by one with every change, and travels in every event about the user
 */
public record User(UUID id, String username, String email, @Nullable String passwordHash, String firstName,
		String lastName, boolean active, boolean staff, List<String> roles, Instant dateJoined,
		@Nullable Instant lastLogin, long version) {

	/** The role that may administer users. */
	public static final String ADMIN = "admin";

	public User {
		roles = List.copyOf(roles);
	}

	/** The next version of this user, with the given identity facts. */
	User changed(String email, String firstName, String lastName, boolean active, List<String> roles) {
		return new User(id, username, email, passwordHash, firstName, lastName, active, staff, roles, dateJoined,
				lastLogin, version + 1);
	}

	/** The next version of this user, with a new password hash. */
	User withPasswordHash(String passwordHash) {
		return new User(id, username, email, passwordHash, firstName, lastName, active, staff, roles, dateJoined,
				lastLogin, version + 1);
	}

	public boolean isAdmin() {
		return roles.contains(ADMIN);
	}
}
