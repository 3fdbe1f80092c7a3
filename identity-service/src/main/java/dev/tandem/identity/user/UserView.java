package dev.tandem.identity.user;

import java.time.Instant;
import java.util.UUID;

/**
 * A user as the API shows it: never the password or its hash.
 */
record UserView(UUID id, String username, String email, String firstName, String lastName, boolean active,
		Instant dateJoined, long version) {

	static UserView of(User user) {
		return new UserView(user.id(), user.username(), user.email(), user.firstName(), user.lastName(), user.active(),
				user.dateJoined(), user.version());
	}
}
