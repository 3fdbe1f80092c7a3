package dev.tandem.profile.avatars;

import java.time.Duration;

/**
 * Every slot for decoding an upload stayed taken for as long as an upload may wait; the upload is fine and may be
 * sent again shortly.
 */
public class AvatarProcessingBusy extends RuntimeException {

	AvatarProcessingBusy(Duration waited) {
		super("Too many avatars are being processed right now (waited " + waited.toMillis()
				+ " ms for a turn); try again in a few seconds.");
	}
}
