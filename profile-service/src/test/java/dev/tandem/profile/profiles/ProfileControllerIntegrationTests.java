package dev.tandem.profile.profiles;

import java.time.Instant;
import java.util.UUID;

import dev.tandem.events.user.UserCreated;
import dev.tandem.profile.ProfileIntegrationTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

@ProfileIntegrationTest
class ProfileControllerIntegrationTests {

	@Autowired
	WebTestClient http;

	@Autowired
	Profiles profiles;

	@Test
	void servesTheProfileKeyedByUserId() {
		UUID userId = UUID.randomUUID();
		profiles.createFor(new UserCreated(userId, 1, Instant.now(), "dinah", "dinah@example.com", "Dinah", "", true,
				null), Instant.now()).block();

		http.get().uri("/api/profiles/{id}", userId)
			.exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.userId").isEqualTo(userId.toString())
			.jsonPath("$.username").isEqualTo("dinah")
			.jsonPath("$.displayName").isEqualTo("Dinah")
			.jsonPath("$.version").isEqualTo(1);
	}

	@Test
	void answersNotFoundAsAProblemWhenThereIsNoProfile() {
		UUID userId = UUID.randomUUID();

		http.get().uri("/api/profiles/{id}", userId)
			.exchange()
			.expectStatus().isNotFound()
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type").isEqualTo("https://tandem.dev/problems/profile-not-found")
			.jsonPath("$.detail").value(detail -> org.assertj.core.api.Assertions.assertThat((String) detail)
				.contains(userId.toString()));
	}

	@Test
	void answersBadRequestAsAProblemForAnIdThatIsNoUuid() {
		http.get().uri("/api/profiles/not-a-uuid")
			.exchange()
			.expectStatus().isBadRequest()
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.detail").isEqualTo("'not-a-uuid' is not a valid userId: expected a UUID.");
	}
}
