package dev.tandem.profile.profiles;

import java.util.UUID;

import dev.tandem.profile.ProfileIntegrationTest;
import dev.tandem.profile.TestIssuer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A profile that is not there yet is looked up at identity-service; when that cannot be asked, the answer is 503
 * with Retry-After, never a 404 that would tell a just-registered user they have no profile. (With identity-service
 * up, the end-to-end tests show the profile created on the spot.)
 */
@ProfileIntegrationTest
@TestPropertySource(properties = { "tandem.identity.base-url=http://127.0.0.1:9", "tandem.identity.client-secret=s3cret",
		"tandem.identity.timeout=1s" })
class ProfileLookupIntegrationTests {

	@Autowired
	WebTestClient http;

	@Test
	void answersServiceUnavailableWhenIdentityServiceCannotBeAsked() {
		UUID userId = UUID.randomUUID();

		http.get().uri("/api/profiles/me").headers(h -> h.setBearerAuth(TestIssuer.userToken(userId))).exchange()
			.expectStatus().isEqualTo(503)
			.expectHeader().exists(HttpHeaders.RETRY_AFTER)
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody().jsonPath("$.type").isEqualTo("https://tandem.dev/problems/identity-unavailable");
	}

}
