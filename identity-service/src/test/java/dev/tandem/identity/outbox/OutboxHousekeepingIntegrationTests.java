package dev.tandem.identity.outbox;

import java.time.Duration;
import java.util.UUID;

import dev.tandem.identity.IdentityIntegrationTest;
import dev.tandem.identity.TestUsers;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@IdentityIntegrationTest
@TestPropertySource(properties = { "tandem.outbox.retention=1s", "tandem.outbox.metrics-interval=500ms",
		"tandem.outbox.poll-interval=500ms" })
class OutboxHousekeepingIntegrationTests {

	@Autowired
	WebTestClient http;

	@Autowired
	DatabaseClient database;

	@Autowired
	MeterRegistry meters;

	@Test
	void purgesPublishedEventsAfterTheRetentionAndMeasuresThePipeline() {
		UUID user = new TestUsers(http).register(TestUsers.unique("ephemeral"));

		await().atMost(Duration.ofSeconds(20)).until(() -> database
			.sql("select count(*) from outbox where message_key = :key").bind("key", user.toString())
			.map(row -> row.get(0, Long.class)).one().block() == 0);

		assertThat(meters.get("tandem.outbox.published").counter().count()).isGreaterThanOrEqualTo(1);
		assertThat(meters.get("tandem.outbox.publish.latency").timer().count()).isGreaterThanOrEqualTo(1);
		await().atMost(Duration.ofSeconds(5))
			.until(() -> meters.get("tandem.outbox.backlog").gauge().value() == 0
					&& meters.get("tandem.outbox.oldest.age").gauge().value() == 0);
	}
}
