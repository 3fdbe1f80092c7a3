package dev.tandem.identity.outbox;

import java.time.Duration;
import java.util.UUID;

import dev.tandem.identity.IdentityIntegrationTest;
import dev.tandem.identity.TestUsers;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The relay sends each batch at once and waits for all of it, so a producer that lingers before sending (Kafka's
 * clients wait 5 ms by default) would only add its linger to every event's way to the consumers. The relay's
 * producer does not linger, whatever the service's producer settings say: here they say 20 s.
 */
@IdentityIntegrationTest
@TestPropertySource(properties = "spring.kafka.producer.properties.linger.ms=20000")
class OutboxRelayLingerIntegrationTests {

	@Autowired
	WebTestClient http;

	@Autowired
	DatabaseClient database;

	@Autowired
	EmbeddedKafkaBroker kafka;

	@Test
	void publishesAnEventWithoutWaitingForTheProducersLinger() {
		UUID userId = new TestUsers(http).register(TestUsers.unique("eager"));

		await().atMost(Duration.ofSeconds(10)).until(() -> OutboxQueue.publishedAllOf(database, userId));
		assertThat(UserEventsTopicReader.messagesFor(kafka.getBrokersAsString(), userId, 1, Duration.ofSeconds(5)))
			.hasSize(1);
	}
}
