package dev.tandem.identity.outbox;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.tandem.identity.TestDatabase;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import dev.tandem.localstack.KafkaBroker;
import dev.tandem.localstack.LocalStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Registration does not depend on the broker: with Kafka down users are still registered, and their events reach
 * the broker once it is back. Events waiting for it are never purged, however old; once published they are.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "tandem.passwords.argon2.memory-kib=1024", "tandem.passwords.argon2.iterations=1",
				"tandem.tokens.signing-key.generate=true",
				"tandem.outbox.max-backoff=1s", "tandem.outbox.retention=1s",
				"tandem.outbox.metrics-interval=200ms" })
@AutoConfigureWebTestClient
@ContextConfiguration(initializers = TestDatabase.class)
@DirtiesContext
class BrokerOutageIntegrationTests {

	private static final int BROKER_PORT = freePort();

	private static KafkaBroker broker;

	private static Path brokerData;

	@Autowired
	WebTestClient http;

	@Autowired
	DatabaseClient database;

	@Autowired
	MeterRegistry meters;

	@DynamicPropertySource
	static void brokerNotYetRunning(DynamicPropertyRegistry registry) {
		registry.add("spring.kafka.bootstrap-servers", () -> "127.0.0.1:" + BROKER_PORT);
	}

	@AfterAll
	static void stopBroker() {
		if (broker != null) {
			broker.close();
		}
		LocalStack.deleteRecursively(brokerData);
	}

	@Test
	void registersWhileTheBrokerIsDownKeepsTheWaitingEventsPastTheRetentionAndPublishesThemWhenItIsBack() throws Exception {
		List<UUID> users = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			String name = "offline" + i + UUID.randomUUID().toString().substring(0, 8);
			Map<?, ?> user = http.post().uri("/api/users").contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("username", name, "email", name + "@example.com", "password", "long enough password"))
				.exchange()
				.expectStatus().isCreated()
				.expectBody(Map.class)
				.returnResult()
				.getResponseBody();
			users.add(UUID.fromString((String) user.get("id")));
		}
		assertThat(unpublished()).isEqualTo(3);
		// The relay measures, then purges. A measurement that found the oldest waiting event past the retention,
		// and a later one, bracket a purge that could have taken them.
		Gauge oldestAge = meters.get("tandem.outbox.oldest.age").gauge();
		await().atMost(Duration.ofSeconds(90)).until(() -> oldestAge.value() >= 1.5);
		double measured = oldestAge.value();
		await().atMost(Duration.ofSeconds(90)).until(() -> oldestAge.value() > measured);
		assertThat(eventsOf(users)).isEqualTo(3);

		brokerData = Files.createTempDirectory("tandem-broker");
		broker = KafkaBroker.start(brokerData, BROKER_PORT);

		await().atMost(Duration.ofSeconds(90)).until(() -> unpublished() == 0);
		for (UUID user : users) {
			assertThat(UserEventsTopicReader.messagesFor(broker.bootstrapServers(), user, 1, Duration.ofSeconds(20)))
				.hasSize(1);
		}
		await().atMost(Duration.ofSeconds(20)).until(() -> eventsOf(users) == 0);
	}

	private long eventsOf(List<UUID> users) {
		return database.sql("select count(*) from outbox where message_key = any(:keys)")
			.bind("keys", users.stream().map(UUID::toString).toArray(String[]::new))
			.map(row -> row.get(0, Long.class))
			.one()
			.block();
	}

	private long unpublished() {
		return database.sql("select count(*) from outbox_pending")
			.map(row -> row.get(0, Long.class))
			.one()
			.block();
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}
}
