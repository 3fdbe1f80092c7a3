package dev.tandem.profile.avatars;

import java.util.List;

/**
 * An upload is declared as, or turns out to be, a type of image avatars are not made from; a kind of
 * {@link InvalidAvatar} that may be answered with 415 rather than 400.
 */
public class UnsupportedAvatarType extends InvalidAvatar {

	/** The content types avatars are made from. */
	public static final List<String> ACCEPTED = List.of("image/jpeg", "image/png", "image/gif");

	UnsupportedAvatarType(String message) {
		super(message);
	}
}
