package dev.tandem.profile.avatars;

import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * The two renditions an upload became, ready to store and serve as they are.
 *
 * <p>The arrays are handed over, not copied: neither side changes them afterwards.
 *
 * @param large the large square rendition, {@code largeSize} pixels on a side
 * @param small the small square rendition, {@code smallSize} pixels on a side
 * @param contentType the type of both renditions: {@code image/png} when the upload had transparency, otherwise
 *        {@code image/jpeg}
 * @param largeSize the side of the large rendition in pixels: the configured size, or less for a smaller upload
 * @param smallSize the side of the small rendition in pixels
 * @param etag the unpadded base64url SHA-256 of the large rendition, without the quotes of an HTTP entity tag; it
 *        changes whenever the avatar does
 */
record ProcessedAvatar(byte[] large, byte[] small, String contentType, int largeSize, int smallSize, String etag) {

	@Override
	public boolean equals(@Nullable Object other) {
		return other instanceof ProcessedAvatar that && Arrays.equals(large, that.large)
				&& Arrays.equals(small, that.small) && contentType.equals(that.contentType)
				&& largeSize == that.largeSize && smallSize == that.smallSize && etag.equals(that.etag);
	}

	@Override
	public int hashCode() {
		return etag.hashCode();
	}

	@Override
	public String toString() {
		return "ProcessedAvatar[" + contentType + ", " + largeSize + " px: " + large.length + " bytes, " + smallSize
				+ " px: " + small.length + " bytes, etag " + etag + "]";
	}
}
