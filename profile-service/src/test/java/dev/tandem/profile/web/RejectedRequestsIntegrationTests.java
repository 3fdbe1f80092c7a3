package dev.tandem.profile.web;

import java.net.URI;
import java.util.UUID;

import dev.tandem.profile.ProfileIntegrationTest;
import dev.tandem.profile.TestIssuer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What Spring Security's firewall refuses before any filter or controller sees it (encoded slashes and dots, and the
 * like, which could slip past path-based rules) is answered as a problem, like every other refusal.
 */
@ProfileIntegrationTest
class RejectedRequestsIntegrationTests {

	@Autowired
	WebTestClient http;

	@LocalServerPort
	int port;

	@ParameterizedTest
	@ValueSource(strings = { "/api/profiles/%2e%2e/actuator/env", "/api/profiles/a%2Fb", "/api/profiles/a%5Cb",
			"/api/profiles/me;jsessionid=1" })
	void answersAPathTheFirewallRefusesAsAProblem(String path) {
		// The raw path, as a client would send it: a URI template would encode its % again.
		http.get().uri(URI.create("http://127.0.0.1:" + port + path))
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + TestIssuer.userToken(UUID.randomUUID()))
			.exchange()
			.expectStatus().isBadRequest()
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type").isEqualTo("https://tandem.dev/problems/rejected-request")
			.jsonPath("$.title").isEqualTo("Request rejected")
			.jsonPath("$.detail").value(String.class, detail -> assertThat(detail).startsWith("The request was rejected"));
	}
}
