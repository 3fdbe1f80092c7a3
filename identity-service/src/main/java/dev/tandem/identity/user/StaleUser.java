package dev.tandem.identity.user;

/**
 * A change named (with {@code If-Match}) a version of the user that is no longer current; nothing was changed.
 */
public class StaleUser extends RuntimeException {

	StaleUser(String expected, long current) {
		super("The user is at version " + current + ", not " + expected + "; read it again and retry.");
	}
}
