package dev.tandem.profile.avatars;

import java.util.UUID;

/**
 * The user has no profile picture.
 */
public class AvatarNotFound extends RuntimeException {

	AvatarNotFound(UUID userId) {
		super("User " + userId + " has no profile picture.");
	}
}
