package dev.tandem.identity.user;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * A user as the API shows it: never the password or its hash.
 */
record UserView(UUID id, String username, String email, String firstName, String lastName, boolean active,
		List<String> roles, Instant dateJoined, @Nullable Instant lastLogin, long version) {

	static UserView of(User user) {
		return new UserView(user.id(), user.username(), user.email(), user.firstName(), user.lastName(), user.active(),
				user.roles(), user.dateJoined(), user.lastLogin(), user.version());
	}
}
