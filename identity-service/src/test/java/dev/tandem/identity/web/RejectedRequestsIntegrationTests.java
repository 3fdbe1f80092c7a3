package dev.tandem.identity.web;

import java.net.URI;

import dev.tandem.identity.IdentityIntegrationTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * identity-service answers what Spring Security's firewall refuses as a problem, as profile-service does (where the
 * kinds of refused paths are tried one by one): the shared configuration reaches both.
 */
@IdentityIntegrationTest
class RejectedRequestsIntegrationTests {

	@Autowired
	WebTestClient http;

	@LocalServerPort
	int port;

	@Test
	void answersAnEncodedDotSegmentAsAProblem() {
		// The raw path, as a client would send it: a URI template would encode its % again.
		http.get().uri(URI.create("http://127.0.0.1:" + port + "/api/users/%2e%2e/internal/users"))
			.exchange()
			.expectStatus().isBadRequest()
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody().jsonPath("$.type").isEqualTo("https://tandem.dev/problems/rejected-request");
	}
}
