package dev.tandem.profile.events;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.tandem.events.user.UserCreated;
import dev.tandem.events.user.UserEvents;
import dev.tandem.profile.ProfileIntegrationTest;
import dev.tandem.profile.TestIssuer;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ProfileIntegrationTest
class DeadLetterAdminIntegrationTests {

	private static final ParameterizedTypeReference<List<Map<String, Object>>> LIST = new ParameterizedTypeReference<>() {
	};

	@Autowired
	WebTestClient http;

	@Autowired
	EmbeddedKafkaBroker kafka;

	@Autowired
	ConnectionFactory connections;

	@Test
	void listsDeadLettersWithTheirReasonAndReplaysThemOntoTheTopic() throws Exception {
		String key = "poison-" + UUID.randomUUID();
		try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(
				Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString()), new StringSerializer(),
				new ByteArraySerializer())) {
			ProducerRecord<String, byte[]> poison = new ProducerRecord<>(UserEvents.TOPIC, key,
					"[]".getBytes(StandardCharsets.UTF_8));
			poison.headers().add("ce_specversion", bytes("1.0")).add("ce_id", bytes(UUID.randomUUID().toString()))
				.add("ce_type", bytes(UserCreated.TYPE)).add("ce_source", bytes("/test"))
				.add("content-type", bytes("application/json"));
			raw.send(poison).get();
		}
		String admin = TestIssuer.userToken(UUID.randomUUID(), "admin");

		Map<String, Object> letter = await().atMost(Duration.ofSeconds(30))
			.until(() -> lettersFor(key, admin), letters -> !letters.isEmpty())
			.get(0);
		assertThat(letter).containsEntry("originalTopic", UserEvents.TOPIC).containsEntry("eventType", UserCreated.TYPE);
		assertThat((String) letter.get("reason")).contains("breaks the schema");

		http.post().uri("/api/admin/dead-letters/replay").headers(h -> h.setBearerAuth(admin)).exchange()
			.expectStatus().isOk()
			.expectBody().jsonPath("$.replayed").value(replayed -> assertThat((Integer) replayed).isPositive());

		// Replayed onto the topic, it fails again and comes back as a new dead letter: the old one is not listed again.
		Map<String, Object> again = await().atMost(Duration.ofSeconds(30))
			.until(() -> lettersFor(key, admin), letters -> !letters.isEmpty())
			.get(0);
		assertThat(((Number) again.get("offset")).longValue()).isGreaterThan(((Number) letter.get("offset")).longValue());
		http.get().uri("/api/admin/dead-letters").headers(h -> h.setBearerAuth(TestIssuer.userToken(UUID.randomUUID())))
			.exchange()
			.expectStatus().isForbidden();
	}

	@Test
	void refusesASecondReplayWhileOneIsUnderway() {
		String admin = TestIssuer.userToken(UUID.randomUUID(), "admin");
		// A replay under way, on another replica say, holds the replay's lock: here this test does.
		Connection otherReplica = Mono.from(connections.create()).block(Duration.ofSeconds(10));
		try {
			replayLock(otherReplica, "pg_advisory_lock");

			http.post().uri("/api/admin/dead-letters/replay").headers(h -> h.setBearerAuth(admin)).exchange()
				.expectStatus().isEqualTo(409)
				.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
				.expectBody().jsonPath("$.type").isEqualTo("https://tandem.dev/problems/replay-in-progress");
		}
		finally {
			// A pooled connection: it goes back without the lock.
			replayLock(otherReplica, "pg_advisory_unlock");
			Mono.from(otherReplica.close()).block(Duration.ofSeconds(10));
		}
		http.post().uri("/api/admin/dead-letters/replay").headers(h -> h.setBearerAuth(admin)).exchange()
			.expectStatus().isOk();
	}

	private static void replayLock(Connection connection, String function) {
		Flux.from(connection.createStatement("select " + function + "($1)")
			.bind("$1", DeadLetterAdmin.REPLAY_LOCK)
			.execute()).flatMap(result -> result.map((row, metadata) -> row.get(0))).blockLast(Duration.ofSeconds(10));
	}

	private List<Map<String, Object>> lettersFor(String key, String token) {
		return http.get().uri("/api/admin/dead-letters").headers(h -> h.setBearerAuth(token)).exchange()
			.expectStatus().isOk()
			.expectBody(LIST).returnResult().getResponseBody()
			.stream()
			.filter(letter -> key.equals(letter.get("key")))
			.toList();
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

}
