package dev.tandem.identity.user;

import dev.tandem.support.web.StaleVersion;

/**
 * A change named (with {@code If-Match}) a version of the user that is no longer current; nothing was changed.
 */
public class StaleUser extends StaleVersion {

	StaleUser(String expected, long current) {
		super("user", expected, current);
	}
}
