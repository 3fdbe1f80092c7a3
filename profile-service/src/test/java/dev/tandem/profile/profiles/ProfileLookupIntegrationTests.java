package dev.tandem.profile.profiles;

import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import dev.tandem.profile.ProfileIntegrationTest;
import dev.tandem.profile.StandInIdentityService;
import dev.tandem.profile.TestIssuer;
import dev.tandem.profile.identity.UserFacts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A profile that is not there yet is looked up at identity-service: a user it knows gets the profile on the spot,
 * whether they read it or an admin changes it; a user it does not know is a 404; and when it cannot be asked, the
 * answer is 503 with Retry-After, never a 404 that would tell a just-registered user they have no profile.
 * identity-service's internal API is played by {@link StandInIdentityService}.
 */
@ProfileIntegrationTest
class ProfileLookupIntegrationTests {

	private static final StandInIdentityService identity = new StandInIdentityService();

	@DynamicPropertySource
	static void identityService(DynamicPropertyRegistry properties) {
		properties.add("tandem.identity.base-url", identity::baseUrl);
		properties.add("tandem.identity.client-secret", () -> "s3cret");
		properties.add("tandem.identity.timeout", () -> "1s");
	}

	@AfterAll
	static void stopIdentityService() {
		identity.close();
	}

	@Autowired
	WebTestClient http;

	@Autowired
	Profiles profiles;

	@Test
	void createsTheProfileOfAKnownUserAtTheFirstRead() {
		UUID userId = knownUser("alma");

		http.get().uri("/api/profiles/me").headers(bearer(TestIssuer.userToken(userId))).exchange()
			.expectStatus().isOk()
			.expectHeader().valueEquals(HttpHeaders.ETAG, "\"1\"")
			.expectBody()
			.jsonPath("$.username").isEqualTo("alma")
			.jsonPath("$.displayName").isEqualTo("Alma Reyes");
	}

	@Test
	void letsAnAdminChangeAProfileWhoseEventHasNotArrivedYet() {
		UUID userId = knownUser("bea");

		http.patch().uri("/api/profiles/{id}", userId).headers(bearer(TestIssuer.userToken(UUID.randomUUID(), "admin")))
			.contentType(MediaType.parseMediaType("application/merge-patch+json"))
			.bodyValue(Map.of("bio", "Set up by support"))
			.exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.username").isEqualTo("bea")
			.jsonPath("$.bio").isEqualTo("Set up by support");

		assertThat(profiles.findById(userId).block().bio()).isEqualTo("Set up by support");
	}

	@Test
	void answersNotFoundAsAProblemForAUserIdentityServiceDoesNotKnow() {
		UUID userId = UUID.randomUUID();

		http.get().uri("/api/profiles/{id}", userId).headers(bearer(TestIssuer.userToken(UUID.randomUUID())))
			.exchange()
			.expectStatus().isNotFound()
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type").isEqualTo("https://tandem.dev/problems/profile-not-found")
			.jsonPath("$.detail").value(detail -> assertThat((String) detail).contains(userId.toString()));
	}

	@Test
	void answersServiceUnavailableWhenIdentityServiceCannotBeAsked() {
		UUID userId = UUID.randomUUID();
		identity.failsFor(userId);

		http.get().uri("/api/profiles/me").headers(bearer(TestIssuer.userToken(userId))).exchange()
			.expectStatus().isEqualTo(503)
			.expectHeader().exists(HttpHeaders.RETRY_AFTER)
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody().jsonPath("$.type").isEqualTo("https://tandem.dev/problems/identity-unavailable");
	}

	private static UUID knownUser(String username) {
		UUID userId = UUID.randomUUID();
		String firstName = username.substring(0, 1).toUpperCase() + username.substring(1);
		identity.knows(new UserFacts(userId, 1, username, username + "@example.com", firstName, "Reyes", true));
		return userId;
	}

	private static Consumer<HttpHeaders> bearer(String token) {
		return headers -> headers.setBearerAuth(token);
	}

}
