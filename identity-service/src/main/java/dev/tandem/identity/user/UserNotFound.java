package dev.tandem.identity.user;

import java.util.UUID;

/**
 * No user has the id asked for (it never existed, or was deleted).
 */
public class UserNotFound extends RuntimeException {

	public UserNotFound(UUID id) {
		super("No user has the id " + id + ".");
	}
}
