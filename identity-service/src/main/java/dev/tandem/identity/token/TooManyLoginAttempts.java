package dev.tandem.identity.token;

import java.time.Duration;

/**
 * Logins from this address (for this account, or at all) failed too often; they are refused for a while.
 */
public class TooManyLoginAttempts extends RuntimeException {

	private final Duration retryAfter;

	TooManyLoginAttempts(Duration retryAfter) {
		super("Too many failed logins; try again in " + Math.max(1, retryAfter.toSeconds()) + " seconds.");
		this.retryAfter = retryAfter;
	}

	public Duration retryAfter() {
		return retryAfter;
	}
}
