package dev.tandem.profile.avatars;

/**
 * An upload is not a picture that can become an avatar: of a type not accepted, not what its content type says,
 * too many pixels, or damaged. The message says which, in words fit for a problem detail.
 */
public class InvalidAvatar extends RuntimeException {

	InvalidAvatar(String message) {
		super(message);
	}

	InvalidAvatar(String message, Throwable cause) {
		super(message, cause);
	}
}
