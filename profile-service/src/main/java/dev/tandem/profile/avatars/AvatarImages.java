package dev.tandem.profile.avatars;

import java.awt.AlphaComposite;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

import com.drew.imaging.jpeg.JpegMetadataReader;
import com.drew.imaging.jpeg.JpegProcessingException;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.exif.ExifReader;
import net.coobird.thumbnailator.Thumbnails;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Turns an uploaded picture into the square avatar renditions profiles show: upright, centre-cropped, re-encoded so
 * that nothing of the upload but its pixels survives, and decoded only after its header showed it small enough.
 *
 * <p>Blocking and CPU-heavy: call it on {@code Schedulers.boundedElastic()}, never on an event-loop thread. Safe for
 * concurrent use; at most {@link AvatarSettings#concurrentDecodes()} uploads are decoded at a time, because each
 * decode may take tens of MB of heap.
 */
@Component
final class AvatarImages {

	/** Decoding to at least twice the large size, not just the large size, keeps subsampling's jagged edges out. */
	private static final int DECODE_MARGIN = 2;

	private static final String UNREADABLE = "The image cannot be decoded: it is damaged, or a kind of JPEG, PNG or GIF "
			+ "that is not supported, such as a 12-bit JPEG.";

	private final AvatarSettings settings;

	private final Semaphore decodes;

	@Autowired
	AvatarImages(AvatarSettings settings) {
		this(settings, new Semaphore(settings.concurrentDecodes(), true));
	}

	/** With the decode slots handed in, so that a test can hold them. */
	AvatarImages(AvatarSettings settings, Semaphore decodes) {
		this.settings = settings;
		this.decodes = decodes;
	}

	/**
	 * The avatar an upload makes.
	 *
	 * @param upload the bytes uploaded
	 * @param declaredContentType the content type the upload came with; its parameters and case do not matter
	 * @throws AvatarTooLarge if the upload has more bytes than an avatar may have
	 * @throws UnsupportedAvatarType if the upload is declared as, or is, something other than a JPEG, PNG or GIF
	 * @throws InvalidAvatar if the upload is not an image, not of the type declared, has too many pixels, or cannot
	 *         be decoded
	 * @throws AvatarProcessingBusy if no decode slot became free in time
	 */
	ProcessedAvatar process(byte[] upload, @Nullable String declaredContentType) {
		long maxBytes = settings.maxUploadSize().toBytes();
		if (upload.length > maxBytes) {
			throw new AvatarTooLarge(upload.length, maxBytes);
		}
		Format declared = Format.declared(declaredContentType);
		if (upload.length == 0) {
			throw new InvalidAvatar("The upload is empty.");
		}
		try (ImageInputStream input = new MemoryCacheImageInputStream(new ByteArrayInputStream(upload))) {
			ImageReader reader = readerFor(input, declared);
			try {
				reader.setInput(input, true, true);
				int width = decoding(() -> reader.getWidth(0));
				int height = decoding(() -> reader.getHeight(0));
				refuseTooManyPixels(width, height);
				int orientation = declared == Format.JPEG ? orientation(upload) : 1;
				takeDecodeSlot();
				try {
					return render(reader, width, height, orientation);
				}
				finally {
					decodes.release();
				}
			}
			finally {
				reader.dispose();
			}
		}
		catch (IOException ex) {
			// Only closing the in-memory stream gets here; reading failures became InvalidAvatar.
			throw new UncheckedIOException(ex);
		}
	}

	/** A reader for the format the bytes are in, which must be the format declared; the declaration is not trusted. */
	private static ImageReader readerFor(ImageInputStream input, Format declared) {
		Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
		@Nullable String found = null;
		while (readers.hasNext()) {
			ImageReader reader = readers.next();
			String formatName = decoding(reader::getFormatName);
			if (Format.named(formatName) == declared) {
				return reader;
			}
			reader.dispose();
			if (found == null) {
				found = formatName;
			}
		}
		if (found == null) {
			throw new InvalidAvatar("The upload is not an image, or not one that can be read.");
		}
		Format format = Format.named(found);
		String shown = found.toUpperCase(Locale.ROOT);
		if (format == null) {
			throw new UnsupportedAvatarType("The upload is a " + shown + " image; avatars must be JPEG, PNG or GIF.");
		}
		throw new InvalidAvatar("The upload is a " + shown + " image but was sent as " + declared.contentType
				+ "; send it as " + format.contentType + ".");
	}

	/** Refuses, from the header alone, images whose pixels would take too much memory: decompression bombs. */
	private void refuseTooManyPixels(int width, int height) {
		if (width <= 0 || height <= 0) {
			throw new InvalidAvatar("The image has no pixels.");
		}
		if (width > settings.maxSide() || height > settings.maxSide()
				|| (long) width * height > settings.maxPixels()) {
			throw new InvalidAvatar("The image is " + width + " x " + height + " pixels; avatars may be at most "
					+ settings.maxSide() + " pixels on a side and " + settings.maxPixels() + " pixels in all.");
		}
	}

	/**
	 * The EXIF orientation of a JPEG, from 1 (stored upright) to 8: phones store portrait photos sideways and say so
	 * here. Metadata too broken to read says nothing about the pixels, so the image is then taken as stored.
	 */
	private static int orientation(byte[] jpeg) {
		try {
			ExifIFD0Directory ifd0 = JpegMetadataReader
				.readMetadata(new ByteArrayInputStream(jpeg), List.of(new ExifReader()))
				.getFirstDirectoryOfType(ExifIFD0Directory.class);
			Integer orientation = ifd0 == null ? null : ifd0.getInteger(ExifIFD0Directory.TAG_ORIENTATION);
			return orientation != null && orientation >= 1 && orientation <= 8 ? orientation : 1;
		}
		catch (JpegProcessingException | IOException | RuntimeException ex) {
			return 1;
		}
	}

	private void takeDecodeSlot() {
		try {
			if (!decodes.tryAcquire(settings.decodeWait().toNanos(), TimeUnit.NANOSECONDS)) {
				throw new AvatarProcessingBusy(settings.decodeWait());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AvatarProcessingBusy(settings.decodeWait());
		}
	}

	private ProcessedAvatar render(ImageReader reader, int width, int height, int orientation) {
		int side = Math.min(width, height);
		ImageReadParam param = reader.getDefaultReadParam();
		// Only the centred square becomes the avatar, and the centred square stays centred when turned upright.
		param.setSourceRegion(new Rectangle((width - side) / 2, (height - side) / 2, side, side));
		// Every step-th pixel of every step-th row: a 4000 px square decodes to 1334 px, a fraction of the heap.
		int step = Math.max(1, side / (DECODE_MARGIN * settings.largeSize()));
		param.setSourceSubsampling(step, step, 0, 0);
		List<String> warnings = new ArrayList<>();
		reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
		BufferedImage decoded = decoding(() -> reader.read(0, param));
		if (warnings.stream().anyMatch(AvatarImages::meansDataMissing)) {
			throw new InvalidAvatar("The image is truncated: part of its data is missing.");
		}
		boolean transparent = decoded.getColorModel().hasAlpha();
		BufferedImage upright = decoding(() -> upright(decoded, orientation, transparent));
		int largeSize = Math.min(settings.largeSize(), side);
		int smallSize = Math.min(settings.smallSize(), largeSize);
		byte[] large = encode(resized(upright, largeSize, transparent), transparent);
		byte[] small = encode(resized(upright, smallSize, transparent), transparent);
		return new ProcessedAvatar(large, small, transparent ? "image/png" : "image/jpeg", largeSize, smallSize,
				etag(large));
	}

	/** ImageIO's JPEG reader does not fail on a file cut short: it warns and paints what is missing grey. */
	private static boolean meansDataMissing(String warning) {
		String text = warning.toLowerCase(Locale.ROOT);
		return text.contains("truncated") || text.contains("premature end");
	}

	/**
	 * The decoded square turned upright, in a plain RGB or ARGB image whatever the source's colour model (grey,
	 * palette, 16 bits, an ICC profile), so that resizing and encoding see only those two.
	 */
	private static BufferedImage upright(BufferedImage decoded, int orientation, boolean transparent) {
		int side = Math.min(decoded.getWidth(), decoded.getHeight());
		BufferedImage upright = new BufferedImage(side, side,
				transparent ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
		Graphics2D graphics = upright.createGraphics();
		try {
			graphics.setComposite(AlphaComposite.Src);
			// Quarter turns and mirrors move whole pixels; nothing is to be interpolated.
			graphics.setRenderingHint(RenderingHints.KEY_INTERPOLATION,
					RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
			graphics.drawImage(decoded, uprighting(orientation, side), null);
		}
		finally {
			graphics.dispose();
		}
		return upright;
	}

	/** The transform that shows a square of the given side, stored with an EXIF orientation, as it is meant to be. */
	private static AffineTransform uprighting(int orientation, int side) {
		// new AffineTransform(m00, m10, m01, m11, m02, m12): x' = m00 x + m01 y + m02, y' = m10 x + m11 y + m12
		return switch (orientation) {
			case 2 -> new AffineTransform(-1, 0, 0, 1, side, 0); // mirror left to right
			case 3 -> new AffineTransform(-1, 0, 0, -1, side, side); // half turn
			case 4 -> new AffineTransform(1, 0, 0, -1, 0, side); // mirror top to bottom
			case 5 -> new AffineTransform(0, 1, 1, 0, 0, 0); // mirror across the top-left to bottom-right diagonal
			case 6 -> new AffineTransform(0, 1, -1, 0, side, 0); // quarter turn clockwise
			case 7 -> new AffineTransform(0, -1, -1, 0, side, side); // mirror across the other diagonal
			case 8 -> new AffineTransform(0, -1, 1, 0, 0, side); // quarter turn anticlockwise
			default -> new AffineTransform();
		};
	}

	private static BufferedImage resized(BufferedImage square, int size, boolean transparent) {
		if (square.getWidth() == size) {
			return square;
		}
		try {
			return Thumbnails.of(square)
				.size(size, size)
				.imageType(transparent ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB)
				.asBufferedImage();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Resizing an image in memory failed", ex);
		}
	}

	/** PNG to keep transparency, JPEG otherwise; no metadata of the upload is passed on, so none is written. */
	private byte[] encode(BufferedImage image, boolean png) {
		ImageWriter writer = ImageIO.getImageWritersByFormatName(png ? "png" : "jpeg").next();
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (ImageOutputStream output = new MemoryCacheImageOutputStream(bytes)) {
			writer.setOutput(output);
			ImageWriteParam param = writer.getDefaultWriteParam();
			if (!png) {
				param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
				param.setCompressionQuality(settings.jpegQuality());
			}
			writer.write(null, new IIOImage(image, null, null), param);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Writing an image to memory failed", ex);
		}
		finally {
			writer.dispose();
		}
		return bytes.toByteArray();
	}

	private static String etag(byte[] bytes) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
			return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java runtime has SHA-256", ex);
		}
	}

	/**
	 * Runs one step of reading the upload: whatever a damaged or hostile file makes ImageIO throw, checked or not,
	 * means the upload is invalid, not that the service failed.
	 */
	private static <T> T decoding(Step<T> step) {
		try {
			return step.run();
		}
		catch (IOException | RuntimeException ex) {
			throw new InvalidAvatar(UNREADABLE, ex);
		}
	}

	@FunctionalInterface
	private interface Step<T> {

		T run() throws IOException;
	}

	/** The formats avatars may be uploaded in. */
	private enum Format {

		JPEG("image/jpeg"), PNG("image/png"), GIF("image/gif");

		private final String contentType;

		Format(String contentType) {
			this.contentType = contentType;
		}

		static Format declared(@Nullable String contentType) {
			String type = contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
			for (Format format : values()) {
				if (format.contentType.equals(type)) {
					return format;
				}
			}
			if (type.isEmpty()) {
				throw new UnsupportedAvatarType("The upload has no content type; avatars must be image/jpeg, "
						+ "image/png or image/gif.");
			}
			String shown = type.length() > 100 ? type.substring(0, 100) + "..." : type;
			throw new UnsupportedAvatarType("Avatars must be image/jpeg, image/png or image/gif, not " + shown + ".");
		}

		/** The format an ImageIO reader of the given format name reads, if it is one avatars may be in. */
		static @Nullable Format named(String formatName) {
			return switch (formatName.toLowerCase(Locale.ROOT)) {
				case "jpeg", "jpg" -> JPEG;
				case "png" -> PNG;
				case "gif" -> GIF;
				default -> null;
			};
		}
	}
}
