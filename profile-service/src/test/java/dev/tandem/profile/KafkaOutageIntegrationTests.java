package dev.tandem.profile;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * profile-service with its database but no Kafka broker at all (nothing listens on port 9): it stays ready, since
 * profiles are read from the database alone, and what needs the broker answers 503 with Retry-After. A context of its
 * own, closed after these tests, so the other tests' broker is never disturbed.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.kafka.bootstrap-servers=127.0.0.1:9", "tandem.events.partitions=1",
				// Start-up asks the broker for the topics once: without one, it gives up after 2 s, not 30 s, and
				// closes the asking client after 1 s, not 10 s.
				"spring.kafka.admin.operation-timeout=2s", "spring.kafka.admin.close-timeout=1s",
				// The clients' warnings of a broker they cannot reach, every second, say nothing the tests do not.
				"logging.level.org.apache.kafka=OFF" })
@AutoConfigureWebTestClient
@ContextConfiguration(initializers = { TestDatabase.class, TestIssuer.class })
@DirtiesContext
class KafkaOutageIntegrationTests {

	@Autowired
	WebTestClient http;

	@Test
	void staysReadyWhileKafkaIsUnreachable() {
		http.get().uri("/readyz").exchange()
			.expectStatus().isOk()
			.expectBody().jsonPath("$.status").isEqualTo("UP");
		http.get().uri("/livez").exchange().expectStatus().isOk();
		// The broker's absence still shows where it belongs: in the overall health.
		http.mutate().responseTimeout(Duration.ofSeconds(10)).build()
			.get().uri("/actuator/health").exchange()
			.expectStatus().isEqualTo(503)
			.expectBody().jsonPath("$.status").isEqualTo("DOWN");
	}

	@Test
	void answersServiceUnavailableForADeadLetterReplayWhileKafkaIsUnreachable() {
		http.mutate().responseTimeout(Duration.ofSeconds(30)).build()
			.post().uri("/api/admin/dead-letters/replay")
			.headers(headers -> headers.setBearerAuth(TestIssuer.userToken(UUID.randomUUID(), "admin")))
			.exchange()
			.expectStatus().isEqualTo(503)
			.expectHeader().exists(HttpHeaders.RETRY_AFTER)
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody().jsonPath("$.type").isEqualTo("https://tandem.dev/problems/kafka-unavailable");
	}
}
