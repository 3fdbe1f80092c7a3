package dev.tandem.profile.profiles;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.tandem.events.EventEnvelope;
import dev.tandem.events.profile.ProfileEvents;
import dev.tandem.outbox.Outbox;
import dev.tandem.outbox.OutboxMessage;
import dev.tandem.profile.ProfileIntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The database wakes the relay when a statement that appended events commits; a statement that appended nothing,
 * such as an optimistic edit that lost its race, wakes nobody.
 */
@ProfileIntegrationTest
class OutboxWakeUpIntegrationTests {

	@Autowired
	Outbox outbox;

	@Autowired
	DatabaseClient database;

	@Autowired
	Environment environment;

	private Connection listener;

	@BeforeEach
	void listen() throws SQLException {
		listener = DriverManager.getConnection(environment.getRequiredProperty("spring.flyway.url"),
				environment.getRequiredProperty("spring.flyway.user"),
				environment.getRequiredProperty("spring.flyway.password"));
		try (Statement statement = listener.createStatement()) {
			statement.execute("LISTEN outbox");
		}
	}

	@AfterEach
	void close() throws SQLException {
		listener.close();
	}

	@Test
	void anEditThatChangedNothingQueuesNoEventAndWakesNoRelay() throws SQLException {
		String key = UUID.randomUUID().toString();

		Boolean changed = outbox.appendIfChanged(
				"update profiles set bio = bio where user_id = :user and version = 1 returning user_id",
				statement -> statement.bind("user", UUID.fromString(key)), List.of(message(key))).block();

		assertThat(changed).isFalse();
		assertThat(eventsOf(key)).isZero();
		assertThat(notifications(1_000)).isEmpty();
	}

	@Test
	void anAppendedEventWakesTheRelayAtCommit() throws SQLException {
		String key = UUID.randomUUID().toString();

		outbox.append(ProfileEvents.TOPIC, key, envelope(key), "{}".getBytes(StandardCharsets.UTF_8)).block();

		assertThat(eventsOf(key)).isOne();
		assertThat(notifications(10_000)).isNotEmpty();
	}

	private long eventsOf(String key) {
		return database.sql("select count(*) from outbox where message_key = :key")
			.bind("key", key)
			.map(row -> row.get(0, Long.class))
			.one()
			.block();
	}

	private PGNotification[] notifications(int waitMillis) throws SQLException {
		PGNotification[] received = listener.unwrap(PGConnection.class).getNotifications(waitMillis);
		return received == null ? new PGNotification[0] : received;
	}

	private static OutboxMessage message(String key) {
		return new OutboxMessage(ProfileEvents.TOPIC, key, envelope(key), "{}".getBytes(StandardCharsets.UTF_8));
	}

	private static EventEnvelope envelope(String key) {
		return new EventEnvelope(EventEnvelope.newId(), "dev.tandem.test.wake-up.v1", URI.create("/tests"), key,
				Instant.now());
	}
}
