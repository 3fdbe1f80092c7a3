package dev.tandem.profile.avatars;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Consumer;

import javax.imageio.ImageIO;

import dev.tandem.events.user.UserCreated;
import dev.tandem.profile.ProfileIntegrationTest;
import dev.tandem.profile.TestIssuer;
import dev.tandem.profile.profiles.Profiles;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Profile pictures over HTTP: stored in two sizes, served with an ETag to anyone with the URL, refused with a
 * problem when the upload is not what it claims, too big, or not an image, leaving the profile as it was.
 */
@ProfileIntegrationTest
class AvatarControllerIntegrationTests {

	@Autowired
	WebTestClient http;

	@Autowired
	Profiles profiles;

	@Autowired
	DatabaseClient database;

	@Test
	void storesAnUploadInTwoSizesAndLinksItFromTheProfile() {
		UUID userId = existingProfile("caterpillar");

		String avatarUrl = upload(userId, MediaType.IMAGE_PNG, image(800, 600, true, "png"))
			.expectStatus().isOk()
			.expectBody(AvatarController.AvatarLink.class)
			.returnResult()
			.getResponseBody()
			.avatarUrl();

		http.get().uri("/api/profiles/me").headers(bearer(TestIssuer.userToken(userId))).exchange()
			.expectBody().jsonPath("$.avatarUrl").isEqualTo(avatarUrl);
		byte[] large = http.get().uri(avatarUrl).exchange()
			.expectStatus().isOk()
			.expectHeader().contentType(MediaType.IMAGE_PNG)
			.expectHeader().value(HttpHeaders.CACHE_CONTROL, value -> assertThat(value).contains("immutable"))
			.expectBody(byte[].class).returnResult().getResponseBody();
		byte[] small = http.get().uri("/api/profiles/{id}/avatar?size=small", userId).exchange()
			.expectStatus().isOk()
			.expectHeader().value(HttpHeaders.CACHE_CONTROL, value -> assertThat(value).contains("no-cache"))
			.expectBody(byte[].class).returnResult().getResponseBody();
		assertThat(dimensions(large)).isEqualTo("512x512");
		assertThat(dimensions(small)).isEqualTo("128x128");
		assertThat(lastChangedFields(userId)).isEqualTo("[\"avatar\"]");
	}

	@Test
	void answersNotModifiedToACacheThatHasTheCurrentPicture() {
		UUID userId = existingProfile("duchess");
		upload(userId, MediaType.IMAGE_JPEG, image(300, 300, false, "jpeg")).expectStatus().isOk();
		String etag = http.get().uri("/api/profiles/{id}/avatar", userId).exchange()
			.expectStatus().isOk()
			.returnResult(byte[].class).getResponseHeaders().getETag();

		http.get().uri("/api/profiles/{id}/avatar", userId).header(HttpHeaders.IF_NONE_MATCH, etag).exchange()
			.expectStatus().isNotModified();
	}

	@Test
	void refusesBytesThatAreNotOfTheDeclaredTypeAndKeepsTheProfileAsItWas() {
		UUID userId = existingProfile("cook");

		upload(userId, MediaType.IMAGE_JPEG, image(200, 200, false, "png"))
			.expectStatus().isBadRequest()
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody().jsonPath("$.type").isEqualTo("https://tandem.dev/problems/invalid-avatar");

		assertThat(profiles.findById(userId).block().version()).isEqualTo(1);
		assertThat(storedAvatars(userId)).isZero();
	}

	@Test
	void refusesAnUploadOverTheSizeLimit() {
		UUID userId = existingProfile("knave");

		upload(userId, MediaType.IMAGE_PNG, new byte[5 * 1024 * 1024 + 1])
			.expectStatus().isEqualTo(413)
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody().jsonPath("$.maxBytes").isEqualTo(5 * 1024 * 1024);
		assertThat(storedAvatars(userId)).isZero();
	}

	@Test
	void refusesATypeThatIsNoPicture() {
		UUID userId = existingProfile("bill");

		upload(userId, MediaType.parseMediaType("image/svg+xml"), "<svg/>".getBytes())
			.expectStatus().isEqualTo(415)
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
	}

	@Test
	void removesThePictureAndItsLink() {
		UUID userId = existingProfile("pat");
		upload(userId, MediaType.IMAGE_PNG, image(100, 100, false, "png")).expectStatus().isOk();

		http.delete().uri("/api/profiles/me/avatar").headers(bearer(TestIssuer.userToken(userId))).exchange()
			.expectStatus().isNoContent();

		http.get().uri("/api/profiles/{id}/avatar", userId).exchange()
			.expectStatus().isNotFound()
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
		http.get().uri("/api/profiles/me").headers(bearer(TestIssuer.userToken(userId))).exchange()
			.expectBody().jsonPath("$.avatarUrl").doesNotExist();
		assertThat(storedAvatars(userId)).isZero();
	}

	private WebTestClient.ResponseSpec upload(UUID userId, MediaType type, byte[] bytes) {
		return http.put().uri("/api/profiles/me/avatar").headers(bearer(TestIssuer.userToken(userId)))
			.contentType(type).bodyValue(bytes).exchange();
	}

	/** The fields the user's latest profile event names as changed, as JSON. */
	private String lastChangedFields(UUID userId) {
		return database.sql("""
				select payload->>'changedFields' from outbox where subject = :subject order by position desc limit 1""")
			.bind("subject", userId.toString())
			.map(row -> row.get(0, String.class)).one().block();
	}

	private long storedAvatars(UUID userId) {
		return database.sql("select count(*) from avatars where user_id = :userId").bind("userId", userId)
			.map(row -> row.get(0, Long.class)).one().block();
	}

	private UUID existingProfile(String username) {
		UUID userId = UUID.randomUUID();
		profiles.createFor(new UserCreated(userId, 1, Instant.now(), username, username + "@example.com", "", "", true,
				null), Instant.now()).block();
		return userId;
	}

	private static byte[] image(int width, int height, boolean alpha, String format) {
		BufferedImage image = new BufferedImage(width, height,
				alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
		Graphics2D graphics = image.createGraphics();
		graphics.setColor(Color.ORANGE);
		graphics.fillRect(0, 0, width / 2, height);
		graphics.dispose();
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try {
			ImageIO.write(image, format, out);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return out.toByteArray();
	}

	private static String dimensions(byte[] bytes) {
		try {
			BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
			return image.getWidth() + "x" + image.getHeight();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static Consumer<HttpHeaders> bearer(String token) {
		return headers -> headers.setBearerAuth(token);
	}
}
