package dev.tandem.profile.profiles;

/**
 * The token is a service's, not a user's, so it has no own profile.
 */
public class NotAUser extends RuntimeException {

	public NotAUser(String subject) {
		super("The token's subject '" + subject + "' is not a user.");
	}
}
