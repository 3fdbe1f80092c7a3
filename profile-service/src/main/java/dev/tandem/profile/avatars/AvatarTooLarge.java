package dev.tandem.profile.avatars;

/**
 * An upload has more bytes than an avatar may have; it was not looked at.
 */
public class AvatarTooLarge extends RuntimeException {

	private final long maxBytes;

	AvatarTooLarge(long bytes, long maxBytes) {
		super("Avatars may be at most " + describe(maxBytes) + " (" + maxBytes + " bytes); this upload has " + bytes
				+ " bytes.");
		this.maxBytes = maxBytes;
	}

	/** The most bytes an upload may have. */
	public long maxBytes() {
		return maxBytes;
	}

	private static String describe(long bytes) {
		long mebibyte = 1024 * 1024;
		return bytes % mebibyte == 0 ? bytes / mebibyte + " MB" : bytes / 1024 + " KB";
	}
}
