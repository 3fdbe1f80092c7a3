package dev.tandem.identity.user;

/**
 * Registration asked for an email address another user already has (compared case-insensitively).
 */
public class EmailTaken extends RuntimeException {

	public EmailTaken(String email) {
		super("The email address '" + email + "' is already registered.");
	}
}
