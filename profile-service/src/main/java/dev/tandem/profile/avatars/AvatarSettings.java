package dev.tandem.profile.avatars;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * What uploads become avatars and how much of the service's memory turning them into avatars may take.
 *
 * @param maxUploadSize the most bytes an upload may have
 * @param maxSide the most pixels an image may have on either side, read from its header before decoding
 * @param maxPixels the most pixels an image may have in all, width times height, read from its header
 * @param largeSize the side of the large square rendition; a smaller image gives a smaller one, never an upscaled one
 * @param smallSize the side of the small square rendition, at most {@code largeSize}
 * @param jpegQuality the JPEG quality renditions without transparency are written at, from 0 to 1
 * @param concurrentDecodes how many uploads may be decoded at once; each takes up to tens of MB of heap
 * @param decodeWait how long an upload waits for a decode slot before it is turned away as busy
 */
@ConfigurationProperties("tandem.avatars")
record AvatarSettings(@DefaultValue("5MB") DataSize maxUploadSize, @DefaultValue("10000") int maxSide,
		@DefaultValue("16000000") long maxPixels, @DefaultValue("512") int largeSize,
		@DefaultValue("128") int smallSize, @DefaultValue("0.85") float jpegQuality,
		@DefaultValue("2") int concurrentDecodes, @DefaultValue("10s") Duration decodeWait) {

	AvatarSettings {
		if (maxUploadSize.toBytes() <= 0 || maxSide <= 0 || maxPixels <= 0 || concurrentDecodes <= 0) {
			throw new IllegalArgumentException("tandem.avatars limits must be positive");
		}
		if (smallSize <= 0 || smallSize > largeSize) {
			throw new IllegalArgumentException("tandem.avatars.small-size must be positive and at most large-size");
		}
		if (!(jpegQuality > 0 && jpegQuality <= 1)) {
			throw new IllegalArgumentException("tandem.avatars.jpeg-quality must be above 0 and at most 1");
		}
		if (decodeWait.isNegative()) {
			throw new IllegalArgumentException("tandem.avatars.decode-wait must not be negative");
		}
	}
}
