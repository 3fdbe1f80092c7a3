package dev.tandem.identity.outbox;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.tandem.events.EventEnvelope;
import dev.tandem.events.user.UserEvents;
import dev.tandem.identity.IdentityIntegrationTest;
import dev.tandem.outbox.Outbox;
import dev.tandem.outbox.OutboxMessage;
import dev.tandem.outbox.OutboxRelay;
import dev.tandem.outbox.OutboxSettings;
import dev.tandem.outbox.RelayWakeUps;
import io.cloudevents.CloudEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.r2dbc.spi.ConnectionFactory;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcConnectionDetails;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.r2dbc.connection.SingleConnectionFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionSynchronization;
import org.springframework.transaction.reactive.TransactionSynchronizationManager;
import org.springframework.transaction.reactive.TransactionalOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A change that appended events wakes the relay once it has committed: the relay of its own replica in memory, the
 * relaying replica's through a {@code NOTIFY} sent after the commit. Here the writers' notifications come from a
 * connection of their own, so the test tells them from any other writer's.
 */
@IdentityIntegrationTest
class RelayWakeUpIntegrationTests {

	@Autowired
	DatabaseClient database;

	@Autowired
	ConnectionFactory connections;

	@Autowired
	TransactionalOperator transactions;

	@Autowired
	Environment environment;

	@Autowired
	OutboxRelay relay;

	@Autowired
	KafkaTemplate<String, CloudEvent> kafka;

	@Autowired
	KafkaAdmin admin;

	@Autowired
	R2dbcConnectionDetails connectionDetails;

	@Autowired
	ObjectProvider<NewTopic> topics;

	private Connection listener;

	private io.r2dbc.spi.Connection notifierConnection;

	private DatabaseClient notifier;

	private int notifierPid;

	@BeforeEach
	void listen() throws SQLException {
		listener = DriverManager.getConnection(environment.getRequiredProperty("spring.flyway.url"),
				environment.getRequiredProperty("spring.flyway.user"),
				environment.getRequiredProperty("spring.flyway.password"));
		try (Statement statement = listener.createStatement()) {
			statement.execute("LISTEN outbox");
		}
		notifierConnection = Mono.from(connections.create()).block();
		notifier = DatabaseClient.create(new SingleConnectionFactory(notifierConnection, connections.getMetadata(), true));
		notifierPid = notifier.sql("select pg_backend_pid()").map(row -> row.get(0, Integer.class)).one().block();
	}

	@AfterEach
	void close() throws SQLException {
		listener.close();
		Mono.from(notifierConnection.close()).block();
	}

	@Test
	void aChangeOnAReplicaThatDoesNotRelayNotifiesTheRelayingOneOnlyOnceItHasCommitted() throws SQLException {
		Outbox outbox = new Outbox(database, null, new RelayWakeUps(null, notifier));

		List<PGNotification> beforeCommit = new CopyOnWriteArrayList<>();
		outbox.appendAll(List.of(message(UUID.randomUUID())))
			// Looked for as the commit begins, after anything the append may have set off or registered for it.
			.then(TransactionSynchronizationManager.forCurrentTransaction())
			.doOnNext(transaction -> transaction.registerSynchronization(new TransactionSynchronization() {
				@Override
				public Mono<Void> beforeCommit(boolean readOnly) {
					return Mono.fromCallable(() -> beforeCommit.addAll(notificationsDuring(Duration.ofSeconds(1))))
						.subscribeOn(Schedulers.boundedElastic())
						.then();
				}
			}))
			.as(transactions::transactional)
			.block();

		assertThat(beforeCommit).isEmpty();
		assertThat(notificationsWithin(Duration.ofSeconds(5))).isNotEmpty();
	}

	@Test
	void aChangeRolledBackNotifiesNobody() throws SQLException {
		Outbox outbox = new Outbox(database, null, new RelayWakeUps(null, notifier));

		assertThatThrownBy(() -> outbox.appendAll(List.of(message(UUID.randomUUID())))
			.then(Mono.error(new IllegalStateException("the change fails after its event")))
			.as(transactions::transactional)
			.block()).hasMessage("the change fails after its event");

		assertThat(notificationsDuring(Duration.ofSeconds(1))).isEmpty();
	}

	@Test
	void aStatementOutsideATransactionNotifiesOnceItHasAnswered() throws SQLException {
		Outbox outbox = new Outbox(database, null, new RelayWakeUps(null, notifier));

		outbox.appendAll(List.of(message(UUID.randomUUID()))).block();

		assertThat(notificationsWithin(Duration.ofSeconds(5))).isNotEmpty();
	}

	@Test
	void theRelayingReplicaPublishesAtOnceEventsItWroteAndEventsAnotherReplicaWrote() throws SQLException {
		// A relay that would poll only hourly: whatever it publishes within seconds, a wake-up made it do.
		OutboxRelay hourly = new OutboxRelay(database, kafka, admin, connectionDetails,
				new OutboxSettings(true, Duration.ofHours(1), 500, Duration.ofSeconds(30), Duration.ofSeconds(10),
						Duration.ofSeconds(2), Duration.ofDays(7), Duration.ofSeconds(5)),
				topics, new SimpleMeterRegistry(), Clock.systemUTC(), null);
		relay.stop();
		hourly.start();
		try {
			await().atMost(Duration.ofSeconds(15)).until(hourly::isLeader);
			UUID own = UUID.randomUUID();
			UUID other = UUID.randomUUID();

			new Outbox(database, null, new RelayWakeUps(hourly, notifier)).appendAll(List.of(message(own))).block();
			await().atMost(Duration.ofSeconds(5)).until(() -> OutboxQueue.publishedAllOf(database, own));
			assertThat(notificationsDuring(Duration.ofMillis(500))).as("its own relay is woken without a notification")
				.isEmpty();

			new Outbox(database, null, new RelayWakeUps(null, notifier)).appendAll(List.of(message(other))).block();
			await().atMost(Duration.ofSeconds(5)).until(() -> OutboxQueue.publishedAllOf(database, other));
		}
		finally {
			hourly.stop();
			relay.start();
		}
		await().atMost(Duration.ofSeconds(15)).until(relay::isLeader);
	}

	/** Every notification of the notifier that reaches the listener during {@code window}. */
	private List<PGNotification> notificationsDuring(Duration window) throws SQLException {
		Instant end = Instant.now().plus(window);
		List<PGNotification> received = new ArrayList<>();
		while (Instant.now().isBefore(end)) {
			received.addAll(notifications(100));
		}
		return received;
	}

	/** The notifier's notifications, as soon as one reaches the listener within {@code timeout}; none if none did. */
	private List<PGNotification> notificationsWithin(Duration timeout) throws SQLException {
		Instant end = Instant.now().plus(timeout);
		List<PGNotification> received = notifications(100);
		while (received.isEmpty() && Instant.now().isBefore(end)) {
			received = notifications(100);
		}
		return received;
	}

	/** The notifier's notifications among those that reach the listener within {@code waitMillis}. */
	private List<PGNotification> notifications(int waitMillis) throws SQLException {
		PGNotification[] received = listener.unwrap(PGConnection.class).getNotifications(waitMillis);
		return received == null ? List.of()
				: Arrays.stream(received).filter(notification -> notification.getPID() == notifierPid).toList();
	}

	private static OutboxMessage message(UUID userId) {
		String key = userId.toString();
		return new OutboxMessage(UserEvents.TOPIC, key, new EventEnvelope(EventEnvelope.newId(),
				"dev.tandem.test.wake-up.v1", URI.create("/tests"), key, Instant.now()),
				"{}".getBytes(StandardCharsets.UTF_8));
	}
}
