package dev.tandem.identity.user;

/**
 * A password change named a current password that is not the user's.
 */
public class WrongCurrentPassword extends RuntimeException {

	WrongCurrentPassword() {
		super("The current password is not correct.");
	}
}
