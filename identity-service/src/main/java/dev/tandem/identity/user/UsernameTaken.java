package dev.tandem.identity.user;

/**
 * Registration asked for a username another user already has (compared case-insensitively).
 */
public class UsernameTaken extends RuntimeException {

	public UsernameTaken(String username) {
		super("The username '" + username + "' is already taken.");
	}
}
