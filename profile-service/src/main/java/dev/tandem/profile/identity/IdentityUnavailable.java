package dev.tandem.profile.identity;

/**
 * identity-service cannot be asked right now: not configured, unreachable or too slow.
 */
public class IdentityUnavailable extends RuntimeException {

	public IdentityUnavailable(String message) {
		super(message);
	}

	public IdentityUnavailable(String message, Throwable cause) {
		super(message, cause);
	}
}
