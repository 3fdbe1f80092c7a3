package dev.tandem.profile.profiles;

import dev.tandem.support.web.StaleVersion;

/**
 * A change named (with {@code If-Match}) a version of the profile that is no longer current; nothing was changed.
 */
public class StaleProfile extends StaleVersion {

	StaleProfile(String expected, long current) {
		super("profile", expected, current);
	}
}
