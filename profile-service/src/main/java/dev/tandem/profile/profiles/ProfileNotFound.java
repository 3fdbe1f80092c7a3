package dev.tandem.profile.profiles;

import java.util.UUID;

/**
 * No profile exists for the user id asked for.
 */
public class ProfileNotFound extends RuntimeException {

	public ProfileNotFound(UUID userId) {
		super("No profile exists for user " + userId + ".");
	}
}
