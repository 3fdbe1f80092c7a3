package dev.tandem.profile.profiles;

/**
 * A change named (with {@code If-Match}) a version of the profile that is no longer current; nothing was changed.
 */
public class StaleProfile extends RuntimeException {

	StaleProfile(String expected, long current) {
		super("The profile is at version " + current + ", not " + expected + "; read it again and retry.");
	}
}
