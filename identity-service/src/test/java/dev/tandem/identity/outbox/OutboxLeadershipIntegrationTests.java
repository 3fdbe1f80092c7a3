package dev.tandem.identity.outbox;

import dev.tandem.outbox.OutboxSettings;
import dev.tandem.outbox.OutboxRelay;
import java.time.Clock;
import java.time.Duration;

import dev.tandem.identity.IdentityIntegrationTest;
import io.cloudevents.CloudEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcConnectionDetails;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Several replicas: one relays, and when it goes, another takes over within seconds.
 */
@IdentityIntegrationTest
class OutboxLeadershipIntegrationTests {

	@Autowired
	OutboxRelay relay;

	@Autowired
	DatabaseClient database;

	@Autowired
	KafkaTemplate<String, CloudEvent> kafka;

	@Autowired
	KafkaAdmin admin;

	@Autowired
	R2dbcConnectionDetails connectionDetails;

	@Autowired
	OutboxSettings settings;

	@Autowired
	ObjectProvider<NewTopic> topics;

	@Test
	void onlyOneReplicaRelaysAndAnotherTakesOverWhenItStops() {
		await().atMost(Duration.ofSeconds(10)).until(relay::isLeader);
		OutboxRelay second = new OutboxRelay(database, kafka, admin, connectionDetails, settings, topics,
				new SimpleMeterRegistry(), Clock.systemUTC(), null);
		second.start();
		try {
			await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
				.until(() -> relay.isLeader() && !second.isLeader());

			relay.stop();

			await().atMost(Duration.ofSeconds(10)).until(second::isLeader);
			assertThat(relay.isLeader()).isFalse();
		}
		finally {
			second.stop();
			if (!relay.isRunning()) {
				relay.start();
			}
		}
		await().atMost(Duration.ofSeconds(10)).until(relay::isLeader);
	}
}
