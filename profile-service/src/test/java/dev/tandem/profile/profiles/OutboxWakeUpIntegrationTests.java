package dev.tandem.profile.profiles;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
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
 * The table's trigger queues what a statement appends, and sends no notification: a writer wakes the relay after its
 * commit (identity-service's {@code RelayWakeUpIntegrationTests}). An optimistic edit that lost its race appends
 * nothing.
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
	void anEditThatChangedNothingAppendsNoEvent() {
		String key = UUID.randomUUID().toString();

		Boolean changed = outbox.appendIfChanged(
				"update profiles set bio = bio where user_id = :user and version = 1 returning user_id",
				statement -> statement.bind("user", UUID.fromString(key)), List.of(message(key))).block();

		assertThat(changed).isFalse();
		assertThat(eventsOf(key)).isZero();
	}

	@Test
	void aStatementThatAppendsQueuesItsEventAndNotifiesNobody() throws SQLException {
		String key = UUID.randomUUID().toString();

		long queued;
		listener.setAutoCommit(false);
		try (Statement statement = listener.createStatement()) {
			statement.executeUpdate(appendRow(key));
			// Counted before the commit, where the relay cannot have taken it off the queue yet.
			try (ResultSet count = statement.executeQuery("select count(*) from outbox o join outbox_pending p "
					+ "using (position) where o.message_key = '" + key + "'")) {
				count.next();
				queued = count.getLong(1);
			}
			listener.commit();
		}
		finally {
			listener.setAutoCommit(true);
		}

		assertThat(queued).isOne();
		assertThat(eventsOf(key)).isOne();
		assertThat(ownNotificationsDuring(Duration.ofSeconds(1))).isEmpty();
	}

	/** An outbox row as any writer might append it. */
	private static String appendRow(String key) {
		return "insert into outbox (event_id, topic, message_key, event_type, source, subject, occurred_at, payload) "
				+ "select gen_random_uuid(), '" + ProfileEvents.TOPIC + "', '" + key
				+ "', 'dev.tandem.test.wake-up.v1', '/tests', '" + key + "', now(), '{}'";
	}

	private long eventsOf(String key) {
		return database.sql("select count(*) from outbox where message_key = :key")
			.bind("key", key)
			.map(row -> row.get(0, Long.class))
			.one()
			.block();
	}

	/**
	 * Every notification from the listener's own statements that reaches it during {@code window}: other writers may
	 * wake the relay meanwhile, from other connections.
	 */
	private List<PGNotification> ownNotificationsDuring(Duration window) throws SQLException {
		PGConnection connection = listener.unwrap(PGConnection.class);
		Instant end = Instant.now().plus(window);
		List<PGNotification> own = new ArrayList<>();
		while (Instant.now().isBefore(end)) {
			PGNotification[] received = connection.getNotifications(100);
			if (received != null) {
				Arrays.stream(received)
					.filter(notification -> notification.getPID() == connection.getBackendPID())
					.forEach(own::add);
			}
		}
		return own;
	}

	private static OutboxMessage message(String key) {
		return new OutboxMessage(ProfileEvents.TOPIC, key, envelope(key), "{}".getBytes(StandardCharsets.UTF_8));
	}

	private static EventEnvelope envelope(String key) {
		return new EventEnvelope(EventEnvelope.newId(), "dev.tandem.test.wake-up.v1", URI.create("/tests"), key,
				Instant.now());
	}
}
