package dev.tandem.profile.avatars;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.zip.CRC32;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

import com.drew.imaging.ImageMetadataReader;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.exif.ExifSubIFDDirectory;
import com.drew.metadata.exif.GpsDirectory;
import com.drew.metadata.file.FileTypeDirectory;
import com.drew.metadata.jpeg.JpegCommentDirectory;
import com.drew.metadata.xmp.XmpDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

class AvatarImagesTests {

	private static final Color RED = new Color(255, 0, 0);

	private static final Color GREEN = new Color(0, 255, 0);

	private static final Color BLUE = new Color(0, 0, 255);

	private static final Color YELLOW = new Color(255, 255, 0);

	private final Semaphore decodes = new Semaphore(2);

	private final AvatarImages avatars = new AvatarImages(AvatarSettingsTests.defaults(), decodes);

	@Test
	void makesSquareRenditionsOf512And128Pixels() throws IOException {
		ProcessedAvatar avatar = avatars.process(jpeg(filled(1200, 800, RED)), "image/jpeg");

		assertThat(avatar.contentType()).isEqualTo("image/jpeg");
		assertThat(avatar.largeSize()).isEqualTo(512);
		assertThat(avatar.smallSize()).isEqualTo(128);
		assertThat(formatOf(avatar.large())).isEqualTo("JPEG");
		assertThat(formatOf(avatar.small())).isEqualTo("JPEG");
		assertSquare(decode(avatar.large()), 512);
		assertSquare(decode(avatar.small()), 128);
	}

	@Test
	void cropsTheCentreOfAWideImageRatherThanSqueezingIt() throws IOException {
		// Wide enough that it is decoded subsampled; only the middle half, which is red, is the centred square.
		BufferedImage wide = filled(4800, 2400, GREEN);
		fill(wide, 1200, 0, 2400, 2400, RED);

		BufferedImage large = decode(avatars.process(jpeg(wide), "image/jpeg").large());

		assertSquare(large, 512);
		for (int[] point : new int[][] { { 8, 8 }, { 503, 8 }, { 8, 503 }, { 503, 503 }, { 256, 256 } }) {
			assertColour(large, point[0], point[1], RED);
		}
	}

	@Test
	void neverUpscalesASmallImage() throws IOException {
		ProcessedAvatar avatar = avatars.process(png(filled(300, 200, BLUE)), "image/png");

		assertThat(avatar.largeSize()).isEqualTo(200);
		assertThat(avatar.smallSize()).isEqualTo(128);
		assertSquare(decode(avatar.large()), 200);
		assertSquare(decode(avatar.small()), 128);

		ProcessedAvatar tiny = avatars.process(png(filled(90, 100, BLUE)), "image/png");

		assertThat(tiny.largeSize()).isEqualTo(90);
		assertThat(tiny.smallSize()).isEqualTo(90);
		assertSquare(decode(tiny.small()), 90);
	}

	@Test
	void keepsTransparencyOfAPngAsPng() throws IOException {
		BufferedImage badge = new BufferedImage(600, 600, BufferedImage.TYPE_INT_ARGB);
		Graphics2D graphics = badge.createGraphics();
		graphics.setColor(RED);
		graphics.fillOval(100, 100, 400, 400);
		graphics.dispose();

		ProcessedAvatar avatar = avatars.process(png(badge), "image/png");

		assertThat(avatar.contentType()).isEqualTo("image/png");
		assertThat(formatOf(avatar.large())).isEqualToIgnoringCase("png");
		assertThat(formatOf(avatar.small())).isEqualToIgnoringCase("png");
		BufferedImage large = decode(avatar.large());
		assertSquare(large, 512);
		assertThat(large.getColorModel().hasAlpha()).isTrue();
		assertThat(new Color(large.getRGB(2, 2), true).getAlpha()).isZero();
		assertThat(new Color(large.getRGB(256, 256), true)).isEqualTo(RED);
	}

	@Test
	void writesAnOpaquePngAsJpeg() throws IOException {
		ProcessedAvatar avatar = avatars.process(png(filled(600, 600, GREEN)), "image/png");

		assertThat(avatar.contentType()).isEqualTo("image/jpeg");
		assertThat(formatOf(avatar.large())).isEqualTo("JPEG");
	}

	@Test
	void acceptsAGif() throws IOException {
		ProcessedAvatar avatar = avatars.process(gif(filled(700, 520, BLUE)), "image/gif");

		assertThat(avatar.contentType()).isEqualTo("image/jpeg");
		BufferedImage large = decode(avatar.large());
		assertSquare(large, 512);
		assertColour(large, 256, 256, BLUE);
	}

	@Test
	void keepsTransparencyOfAGifAsPng() throws IOException {
		IndexColorModel palette = new IndexColorModel(8, 2, new byte[] { 0, (byte) 255 }, new byte[] { 0, 0 },
				new byte[] { 0, 0 }, 0);
		BufferedImage sticker = new BufferedImage(600, 600, BufferedImage.TYPE_BYTE_INDEXED, palette);
		WritableRaster raster = sticker.getRaster();
		for (int y = 200; y < 400; y++) {
			for (int x = 200; x < 400; x++) {
				raster.setSample(x, y, 0, 1);
			}
		}

		ProcessedAvatar avatar = avatars.process(gif(sticker), "image/gif");

		assertThat(avatar.contentType()).isEqualTo("image/png");
		BufferedImage large = decode(avatar.large());
		assertThat(new Color(large.getRGB(2, 2), true).getAlpha()).isZero();
		assertThat(new Color(large.getRGB(256, 256), true)).isEqualTo(RED);
	}

	@Test
	void takesOnlyTheFirstFrameOfAnAnimatedGif() throws IOException {
		byte[] animation = animatedGif(filled(600, 600, RED), filled(600, 600, BLUE));

		BufferedImage large = decode(avatars.process(animation, "image/gif").large());

		assertColour(large, 256, 256, RED);
	}

	@Test
	void acceptsADeclaredTypeWithParametersInAnyCase() {
		ProcessedAvatar avatar = avatars.process(png(filled(200, 200, RED)), " Image/PNG; name=\"me.png\"");

		assertThat(avatar.largeSize()).isEqualTo(200);
	}

	@ParameterizedTest
	@ValueSource(strings = { "image/webp", "image/svg+xml", "text/html", "application/octet-stream" })
	void refusesTypesOtherThanJpegPngAndGif(String contentType) {
		assertThatThrownBy(() -> avatars.process(png(filled(200, 200, RED)), contentType))
			.isInstanceOf(UnsupportedAvatarType.class)
			.hasMessage("Avatars must be image/jpeg, image/png or image/gif, not " + contentType + ".");
	}

	@ParameterizedTest
	@NullAndEmptySource
	void refusesAnUploadWithoutContentType(String contentType) {
		assertThatThrownBy(() -> avatars.process(png(filled(200, 200, RED)), contentType))
			.isInstanceOf(UnsupportedAvatarType.class)
			.hasMessageStartingWith("The upload has no content type");
	}

	@Test
	void refusesPngBytesDeclaredAsJpeg() {
		assertThatThrownBy(() -> avatars.process(png(filled(200, 200, RED)), "image/jpeg"))
			.isExactlyInstanceOf(InvalidAvatar.class)
			.hasMessage("The upload is a PNG image but was sent as image/jpeg; send it as image/png.");
	}

	@Test
	void refusesJpegBytesDeclaredAsGif() {
		assertThatThrownBy(() -> avatars.process(jpeg(filled(200, 200, RED)), "image/gif"))
			.isExactlyInstanceOf(InvalidAvatar.class)
			.hasMessage("The upload is a JPEG image but was sent as image/gif; send it as image/jpeg.");
	}

	@Test
	void refusesABmpWhateverItIsDeclaredAs() throws IOException {
		ByteArrayOutputStream bmp = new ByteArrayOutputStream();
		ImageIO.write(filled(200, 200, RED), "bmp", bmp);

		assertThatThrownBy(() -> avatars.process(bmp.toByteArray(), "image/png"))
			.isInstanceOf(UnsupportedAvatarType.class)
			.hasMessage("The upload is a BMP image; avatars must be JPEG, PNG or GIF.");
	}

	@Test
	void refusesBytesThatAreNotAnImage() {
		byte[] script = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"
			.getBytes(StandardCharsets.UTF_8);

		assertThatThrownBy(() -> avatars.process(script, "image/png")).isInstanceOf(InvalidAvatar.class)
			.hasMessage("The upload is not an image, or not one that can be read.");
		assertThatThrownBy(() -> avatars.process(new byte[0], "image/png")).isInstanceOf(InvalidAvatar.class)
			.hasMessage("The upload is empty.");
	}

	@Test
	void refusesUploadsOverFiveMegabytes() {
		byte[] tooMany = new byte[5 * 1024 * 1024 + 1];

		assertThatThrownBy(() -> avatars.process(tooMany, "image/jpeg")).isInstanceOf(AvatarTooLarge.class)
			.hasMessage("Avatars may be at most 5 MB (5242880 bytes); this upload has 5242881 bytes.")
			.satisfies(ex -> assertThat(((AvatarTooLarge) ex).maxBytes()).isEqualTo(5242880));
		assertThatThrownBy(() -> avatars.process(Arrays.copyOf(tooMany, 5 * 1024 * 1024), "image/jpeg"))
			.isInstanceOf(InvalidAvatar.class);
	}

	@Test
	void refusesImageClaimingFiftyThousandPixelsSquare() {
		// Decoded, this would need 7.5 GB; the header alone must be enough to refuse it.
		assertThatThrownBy(() -> avatars.process(pngClaiming(50_000, 50_000), "image/png"))
			.isInstanceOf(InvalidAvatar.class)
			.hasMessage("The image is 50000 x 50000 pixels; avatars may be at most 10000 pixels on a side "
					+ "and 16000000 pixels in all.");
	}

	@Test
	void refusesImageOfMoreThanSixteenMillionPixelsThoughEachSideIsAllowed() {
		assertThatThrownBy(() -> avatars.process(pngClaiming(9_000, 9_000), "image/png"))
			.isInstanceOf(InvalidAvatar.class)
			.hasMessageStartingWith("The image is 9000 x 9000 pixels;");
	}

	@Test
	void refusesImageLongerThanTenThousandPixelsOnASide() {
		assertThatThrownBy(() -> avatars.process(pngClaiming(10_001, 100), "image/png"))
			.isInstanceOf(InvalidAvatar.class)
			.hasMessageStartingWith("The image is 10001 x 100 pixels;");
	}

	@Test
	void removesExifGpsXmpAndCommentsOfAJpeg() throws Exception {
		byte[] photo = withSegments(jpeg(filled(800, 600, GREEN)), exif(1), xmp(), comment("Taken at home"));
		Metadata uploaded = ImageMetadataReader.readMetadata(new ByteArrayInputStream(photo));
		assertThat(uploaded.getFirstDirectoryOfType(GpsDirectory.class).getGeoLocation().getLatitude())
			.isCloseTo(48.858, offset(0.001));
		assertThat(uploaded.getFirstDirectoryOfType(XmpDirectory.class)).isNotNull();
		assertThat(uploaded.getFirstDirectoryOfType(JpegCommentDirectory.class)).isNotNull();

		ProcessedAvatar avatar = avatars.process(photo, "image/jpeg");

		for (byte[] rendition : List.of(avatar.large(), avatar.small())) {
			Metadata metadata = ImageMetadataReader.readMetadata(new ByteArrayInputStream(rendition));
			assertThat(metadata.getFirstDirectoryOfType(FileTypeDirectory.class)).isNotNull();
			assertThat(metadata.getFirstDirectoryOfType(GpsDirectory.class)).isNull();
			assertThat(metadata.getFirstDirectoryOfType(ExifIFD0Directory.class)).isNull();
			assertThat(metadata.getFirstDirectoryOfType(ExifSubIFDDirectory.class)).isNull();
			assertThat(metadata.getFirstDirectoryOfType(XmpDirectory.class)).isNull();
			assertThat(metadata.getFirstDirectoryOfType(JpegCommentDirectory.class)).isNull();
			assertThat(indexOf(rendition, "Exif\0\0".getBytes(StandardCharsets.US_ASCII))).isEqualTo(-1);
			assertThat(indexOf(rendition, "TestPhone".getBytes(StandardCharsets.US_ASCII))).isEqualTo(-1);
			assertThat(markersUpToScan(rendition)).contains(0xDA).doesNotContain(0xE1, 0xFE);
		}
	}

	@Test
	void turnsAPortraitPhotoStoredSidewaysUpright() throws IOException {
		// A phone held upright stores the picture turned a quarter anticlockwise and orientation 6 to undo it: the
		// left of what is stored is the top of the picture.
		BufferedImage stored = filled(800, 600, RED);
		fill(stored, 400, 0, 400, 600, BLUE);

		BufferedImage large = decode(avatars.process(withSegments(jpeg(stored), exif(6)), "image/jpeg").large());

		assertColour(large, 16, 16, RED);
		assertColour(large, 495, 16, RED);
		assertColour(large, 16, 495, BLUE);
		assertColour(large, 495, 495, BLUE);
	}

	/**
	 * Stored with red, green, blue and yellow quarters clockwise from the top left, each EXIF orientation must show
	 * the quarters where the EXIF specification puts them.
	 */
	@ParameterizedTest(name = "orientation {0}")
	@CsvSource({ "1, R, G, B, Y", "2, G, R, Y, B", "3, Y, B, G, R", "4, B, Y, R, G", "5, R, B, G, Y",
			"6, B, R, Y, G", "7, Y, G, B, R", "8, G, Y, R, B" })
	void showsEveryExifOrientationAsMeant(int orientation, char topLeft, char topRight, char bottomLeft,
			char bottomRight) throws IOException {
		BufferedImage stored = filled(800, 600, RED);
		fill(stored, 400, 0, 400, 300, GREEN);
		fill(stored, 0, 300, 400, 300, BLUE);
		fill(stored, 400, 300, 400, 300, YELLOW);

		BufferedImage large = decode(
				avatars.process(withSegments(jpeg(stored), exif(orientation)), "image/jpeg").large());

		Map<Character, Color> colours = Map.of('R', RED, 'G', GREEN, 'B', BLUE, 'Y', YELLOW);
		assertColour(large, 64, 64, colours.get(topLeft));
		assertColour(large, 447, 64, colours.get(topRight));
		assertColour(large, 64, 447, colours.get(bottomLeft));
		assertColour(large, 447, 447, colours.get(bottomRight));
	}

	@Test
	void refusesATruncatedJpeg() {
		byte[] photo = jpeg(noise(800, 600));

		assertThatThrownBy(() -> avatars.process(Arrays.copyOf(photo, photo.length / 2), "image/jpeg"))
			.isInstanceOf(InvalidAvatar.class)
			.hasMessage("The image is truncated: part of its data is missing.");
	}

	@Test
	void refusesATruncatedPng() {
		byte[] picture = png(noise(800, 600));

		assertThatThrownBy(() -> avatars.process(Arrays.copyOf(picture, picture.length / 2), "image/png"))
			.isInstanceOf(InvalidAvatar.class)
			.hasMessageStartingWith("The image cannot be decoded");
	}

	@Test
	void refusesAJpegCutOffInsideItsHeader() {
		byte[] photo = jpeg(noise(800, 600));

		assertThatThrownBy(() -> avatars.process(Arrays.copyOf(photo, 40), "image/jpeg"))
			.isInstanceOf(InvalidAvatar.class)
			.hasMessageStartingWith("The image cannot be decoded");
	}

	@Test
	void convertsACmykJpegToRgb() throws IOException {
		WritableRaster cmyk = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 300, 300, 4, null);
		ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (ImageOutputStream output = new MemoryCacheImageOutputStream(bytes)) {
			writer.setOutput(output);
			writer.write(new IIOImage(cmyk, null, null));
		}
		finally {
			writer.dispose();
		}

		ProcessedAvatar avatar = avatars.process(bytes.toByteArray(), "image/jpeg");

		assertThat(avatar.contentType()).isEqualTo("image/jpeg");
		BufferedImage large = decode(avatar.large());
		assertSquare(large, 300);
		assertThat(large.getColorModel().getNumComponents()).isEqualTo(3);
	}

	@Test
	void refusesATwelveBitJpegImageIoCannotDecode() {
		byte[] photo = jpeg(filled(300, 300, RED));
		// The sample precision, the first byte after the length of the start-of-frame segment
		photo[segmentOffset(photo, 0xC0) + 4] = 12;

		assertThatThrownBy(() -> avatars.process(photo, "image/jpeg"))
			.isInstanceOf(InvalidAvatar.class)
			.hasMessageStartingWith("The image cannot be decoded");
	}

	@Test
	void refusesWhenEveryDecodeSlotStaysTaken() {
		Semaphore oneSlot = new Semaphore(1);
		AvatarSettings defaults = AvatarSettingsTests.defaults();
		AvatarSettings hurried = new AvatarSettings(defaults.maxUploadSize(), defaults.maxSide(), defaults.maxPixels(),
				defaults.largeSize(), defaults.smallSize(), defaults.jpegQuality(), 1, Duration.ofMillis(20));
		AvatarImages busy = new AvatarImages(hurried, oneSlot);
		byte[] picture = png(filled(200, 200, RED));
		oneSlot.acquireUninterruptibly();

		assertThatThrownBy(() -> busy.process(picture, "image/png")).isInstanceOf(AvatarProcessingBusy.class);

		oneSlot.release();
		assertThat(busy.process(picture, "image/png").largeSize()).isEqualTo(200);
	}

	@Test
	void givesBackItsDecodeSlotWhenDecodingFails() {
		byte[] photo = jpeg(noise(800, 600));

		assertThatThrownBy(() -> avatars.process(Arrays.copyOf(photo, photo.length / 2), "image/jpeg"))
			.isInstanceOf(InvalidAvatar.class);
		assertThat(decodes.availablePermits()).isEqualTo(2);
	}

	@Test
	void processesUploadsFromManyThreadsAtOnce() throws Exception {
		byte[] photo = jpeg(noise(1600, 1200));
		List<Callable<ProcessedAvatar>> uploads = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			uploads.add(() -> avatars.process(photo, "image/jpeg"));
		}
		ExecutorService threads = Executors.newFixedThreadPool(4);
		try {
			List<ProcessedAvatar> processed = new ArrayList<>();
			for (Future<ProcessedAvatar> upload : threads.invokeAll(uploads)) {
				processed.add(upload.get());
			}
			assertThat(processed).allSatisfy(avatar -> assertThat(avatar).isEqualTo(processed.get(0)));
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(decodes.availablePermits()).isEqualTo(2);
	}

	@Test
	void tagsTheAvatarWithTheSha256OfItsLargeRendition() throws Exception {
		ProcessedAvatar avatar = avatars.process(jpeg(filled(600, 600, RED)), "image/jpeg");

		byte[] digest = MessageDigest.getInstance("SHA-256").digest(avatar.large());
		assertThat(avatar.etag()).isEqualTo(Base64.getUrlEncoder().withoutPadding().encodeToString(digest));
	}

	private static BufferedImage filled(int width, int height, Color colour) {
		BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
		fill(image, 0, 0, width, height, colour);
		return image;
	}

	private static void fill(BufferedImage image, int x, int y, int width, int height, Color colour) {
		Graphics2D graphics = image.createGraphics();
		graphics.setColor(colour);
		graphics.fillRect(x, y, width, height);
		graphics.dispose();
	}

	/** Random pixels: they compress badly, so that cutting a file in half cuts into its pixel data. */
	private static BufferedImage noise(int width, int height) {
		BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
		Random random = new Random(42);
		for (int y = 0; y < height; y++) {
			for (int x = 0; x < width; x++) {
				image.setRGB(x, y, random.nextInt(0x1000000));
			}
		}
		return image;
	}

	private static byte[] jpeg(BufferedImage image) {
		return encoded(image, "jpeg");
	}

	private static byte[] png(BufferedImage image) {
		return encoded(image, "png");
	}

	private static byte[] gif(BufferedImage image) {
		return encoded(image, "gif");
	}

	private static byte[] encoded(BufferedImage image, String format) {
		try {
			ByteArrayOutputStream bytes = new ByteArrayOutputStream();
			assertThat(ImageIO.write(image, format, bytes)).isTrue();
			return bytes.toByteArray();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static byte[] animatedGif(BufferedImage... frames) throws IOException {
		ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (ImageOutputStream output = new MemoryCacheImageOutputStream(bytes)) {
			writer.setOutput(output);
			writer.prepareWriteSequence(null);
			for (BufferedImage frame : frames) {
				writer.writeToSequence(new IIOImage(frame, null, null), null);
			}
			writer.endWriteSequence();
		}
		finally {
			writer.dispose();
		}
		return bytes.toByteArray();
	}

	/** A PNG that is only a header claiming the given size: decoding it would need width x height x 3 bytes. */
	private static byte[] pngClaiming(int width, int height) {
		ByteArrayOutputStream png = new ByteArrayOutputStream();
		png.writeBytes(new byte[] { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' });
		// 8 bits per sample, truecolour, deflate, adaptive filtering, not interlaced
		chunk(png, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put(new byte[] { 8, 2, 0, 0, 0 })
			.array());
		chunk(png, "IEND", new byte[0]);
		return png.toByteArray();
	}

	private static void chunk(ByteArrayOutputStream png, String type, byte[] data) {
		byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
		CRC32 crc = new CRC32();
		crc.update(typeBytes);
		crc.update(data);
		png.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
		png.writeBytes(typeBytes);
		png.writeBytes(data);
		png.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
	}

	/**
	 * An EXIF APP1 segment as a phone writes one: big-endian TIFF with the orientation, a camera make, and a GPS
	 * directory placing the photo at the Eiffel Tower (48° 51' 29.6" N, 2° 17' 40.2" E).
	 */
	private static byte[] exif(int orientation) {
		short ascii = 2;
		short shortType = 3;
		short longType = 4;
		short rational = 5;
		ByteBuffer tiff = ByteBuffer.allocate(174);
		tiff.put(new byte[] { 'M', 'M', 0, 42 }).putInt(8);
		// IFD0 at 8: three entries sorted by tag, then no further IFD; it ends at 50
		tiff.putShort((short) 3);
		tiff.putShort((short) 0x010F).putShort(ascii).putInt(10).putInt(50);
		tiff.putShort((short) 0x0112).putShort(shortType).putInt(1).putShort((short) orientation).putShort((short) 0);
		tiff.putShort((short) 0x8825).putShort(longType).putInt(1).putInt(60);
		tiff.putInt(0);
		tiff.put("TestPhone\0".getBytes(StandardCharsets.US_ASCII));
		// GPS IFD at 60: version, latitude and longitude with their hemispheres; it ends at 126
		tiff.putShort((short) 5);
		tiff.putShort((short) 0x0000).putShort((short) 1).putInt(4).put(new byte[] { 2, 3, 0, 0 });
		tiff.putShort((short) 0x0001).putShort(ascii).putInt(2).put(new byte[] { 'N', 0, 0, 0 });
		tiff.putShort((short) 0x0002).putShort(rational).putInt(3).putInt(126);
		tiff.putShort((short) 0x0003).putShort(ascii).putInt(2).put(new byte[] { 'E', 0, 0, 0 });
		tiff.putShort((short) 0x0004).putShort(rational).putInt(3).putInt(150);
		tiff.putInt(0);
		tiff.putInt(48).putInt(1).putInt(51).putInt(1).putInt(296).putInt(10);
		tiff.putInt(2).putInt(1).putInt(17).putInt(1).putInt(402).putInt(10);
		assertThat(tiff.position()).isEqualTo(174);
		return segment(0xE1, concat("Exif\0\0".getBytes(StandardCharsets.US_ASCII), tiff.array()));
	}

	private static byte[] xmp() {
		String packet = "http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF "
				+ "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description rdf:about=\"\" "
				+ "xmlns:exif=\"http://ns.adobe.com/exif/1.0/\" exif:GPSLatitude=\"48,51.493N\" "
				+ "exif:GPSLongitude=\"2,17.670E\"/></rdf:RDF></x:xmpmeta>";
		return segment(0xE1, packet.getBytes(StandardCharsets.UTF_8));
	}

	private static byte[] comment(String text) {
		return segment(0xFE, text.getBytes(StandardCharsets.UTF_8));
	}

	private static byte[] segment(int marker, byte[] payload) {
		return concat(new byte[] { (byte) 0xFF, (byte) marker, (byte) ((payload.length + 2) >> 8),
				(byte) (payload.length + 2) }, payload);
	}

	/** The JPEG with the segments put right after the JFIF segment ImageIO writes first. */
	private static byte[] withSegments(byte[] jpeg, byte[]... segments) {
		assertThat(jpeg[2] & 0xFF).isEqualTo(0xFF);
		assertThat(jpeg[3] & 0xFF).isEqualTo(0xE0);
		int afterJfif = 4 + segmentLength(jpeg, 2);
		byte[] result = Arrays.copyOf(jpeg, afterJfif);
		for (byte[] segment : segments) {
			result = concat(result, segment);
		}
		return concat(result, Arrays.copyOfRange(jpeg, afterJfif, jpeg.length));
	}

	private static byte[] concat(byte[] first, byte[] second) {
		byte[] both = Arrays.copyOf(first, first.length + second.length);
		System.arraycopy(second, 0, both, first.length, second.length);
		return both;
	}

	/** The markers of a JPEG's segments from its start up to the start of its first scan (0xDA). */
	private static List<Integer> markersUpToScan(byte[] jpeg) {
		List<Integer> markers = new ArrayList<>();
		for (int at = 2; at + 4 <= jpeg.length && (jpeg[at] & 0xFF) == 0xFF; at += 2 + segmentLength(jpeg, at)) {
			markers.add(jpeg[at + 1] & 0xFF);
			if ((jpeg[at + 1] & 0xFF) == 0xDA) {
				break;
			}
		}
		return markers;
	}

	/** Where the segment with the marker starts, at its 0xFF. */
	private static int segmentOffset(byte[] jpeg, int marker) {
		int at = 2;
		while ((jpeg[at + 1] & 0xFF) != marker) {
			assertThat(jpeg[at + 1] & 0xFF).as("segment %02X not found", marker).isNotEqualTo(0xDA);
			at += 2 + segmentLength(jpeg, at);
		}
		return at;
	}

	private static int segmentLength(byte[] jpeg, int at) {
		return (jpeg[at + 2] & 0xFF) << 8 | (jpeg[at + 3] & 0xFF);
	}

	private static int indexOf(byte[] haystack, byte[] needle) {
		for (int i = 0; i + needle.length <= haystack.length; i++) {
			if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
				return i;
			}
		}
		return -1;
	}

	private static String formatOf(byte[] image) throws IOException {
		try (ImageInputStream input = new MemoryCacheImageInputStream(new ByteArrayInputStream(image))) {
			ImageReader reader = ImageIO.getImageReaders(input).next();
			try {
				return reader.getFormatName();
			}
			finally {
				reader.dispose();
			}
		}
	}

	private static BufferedImage decode(byte[] image) throws IOException {
		BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(image));
		assertThat(decoded).isNotNull();
		return decoded;
	}

	private static void assertSquare(BufferedImage image, int side) {
		assertThat(image.getWidth()).isEqualTo(side);
		assertThat(image.getHeight()).isEqualTo(side);
	}

	/** Whether the pixel is the colour, give or take what JPEG compression changes. */
	private static void assertColour(BufferedImage image, int x, int y, Color expected) {
		Color actual = new Color(image.getRGB(x, y));
		assertThat(Math.abs(actual.getRed() - expected.getRed()) + Math.abs(actual.getGreen() - expected.getGreen())
				+ Math.abs(actual.getBlue() - expected.getBlue()))
			.as("colour at (%d, %d) is %s, expected %s", x, y, actual, expected)
			.isLessThan(60);
	}
}
