package dev.tandem.identity.outbox;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.tandem.events.EventEnvelope;
import io.cloudevents.CloudEvent;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcConnectionDetails;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * Publishes outbox events to Kafka in the order they were written and marks them published only after the broker
 * acknowledged them. It wakes on the database's {@code NOTIFY} at commit, so an event leaves within milliseconds,
 * and polls slowly as a fallback. While the broker or the database is down it backs off and keeps trying: events
 * wait in the table, never in memory.
 *
 * <p>It publishes at least once: a crash between the broker's acknowledgement and the marking publishes a batch
 * again, which consumers absorb by deduplicating on the event id.
 */
@Component
class OutboxRelay implements SmartLifecycle {

	static final String CHANNEL = "outbox";

	private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

	private final DatabaseClient database;

	private final KafkaTemplate<String, CloudEvent> kafka;

	private final KafkaAdmin admin;

	private final ConnectionFactory listenerConnections;

	private final OutboxSettings settings;

	private final ObjectProvider<NewTopic> topics;

	private final Semaphore wakeups = new Semaphore(0);

	private volatile boolean running;

	private volatile boolean topicsReady;

	private @Nullable Thread worker;

	private @Nullable Disposable notifications;

	OutboxRelay(DatabaseClient database, KafkaTemplate<String, CloudEvent> kafka, KafkaAdmin admin,
			R2dbcConnectionDetails connectionDetails, OutboxSettings settings, ObjectProvider<NewTopic> topics) {
		this.database = database;
		this.kafka = kafka;
		this.admin = admin;
		// A connection of its own, outside the pool, that stays subscribed to the channel.
		this.listenerConnections = ConnectionFactories.get(connectionDetails.getConnectionFactoryOptions());
		this.settings = settings;
		this.topics = topics;
	}

	@Override
	public void start() {
		running = true;
		notifications = listen();
		Thread thread = new Thread(this::run, "outbox-relay");
		thread.setDaemon(true);
		worker = thread;
		thread.start();
	}

	@Override
	public void stop() {
		running = false;
		Disposable subscription = notifications;
		if (subscription != null) {
			subscription.dispose();
		}
		Thread thread = worker;
		if (thread != null) {
			thread.interrupt();
			try {
				thread.join(Duration.ofSeconds(10).toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	/** Asks the relay to look for events now rather than at its next poll. */
	void wake() {
		wakeups.release();
	}

	private Disposable listen() {
		return Flux.usingWhen(Mono.from(listenerConnections.create()), connection -> {
			PostgresqlConnection postgres = (PostgresqlConnection) connection;
			return postgres.createStatement("LISTEN " + CHANNEL)
				.execute()
				.flatMap(result -> result.getRowsUpdated())
				// Events committed while no one listened are found by the round this wake-up starts.
				.doOnComplete(this::wake)
				.thenMany(postgres.getNotifications());
		}, connection -> connection.close())
			.doOnNext(notification -> wake())
			.retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200))
				.maxBackoff(settings.maxBackoff())
				.doBeforeRetry(signal -> log.debug("Outbox notifications lost; reconnecting", signal.failure())))
			.subscribe();
	}

	private void run() {
		warmUp();
		Duration backoff = Duration.ZERO;
		while (running) {
			try {
				if (backoff.isZero()) {
					wakeups.tryAcquire(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
				}
				else {
					Thread.sleep(backoff.toMillis());
				}
				wakeups.drainPermits();
				while (running && publishBatch() == settings.batchSize()) {
					// a full batch: there may be more waiting
				}
				backoff = Duration.ZERO;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				backoff = backoff.isZero() ? Duration.ofMillis(200) : min(backoff.multipliedBy(2), settings.maxBackoff());
				log.warn("Publishing outbox events failed, retrying in {} ms: {}", backoff.toMillis(), ex.toString());
			}
		}
	}

	/** Publishes the oldest unpublished events, and answers how many. */
	int publishBatch() throws InterruptedException {
		List<Pending> batch = database.sql("""
				select position, event_id, topic, message_key, event_type, source, subject, occurred_at, payload
				from outbox where published_at is null order by position limit :limit""")
			.bind("limit", settings.batchSize())
			.map((row, metadata) -> new Pending(row.get("position", Long.class), row.get("topic", String.class),
					row.get("message_key", String.class),
					new EventEnvelope(row.get("event_id", UUID.class), row.get("event_type", String.class),
							URI.create(row.get("source", String.class)), row.get("subject", String.class),
							row.get("occurred_at", Instant.class)),
					row.get("payload", String.class).getBytes(StandardCharsets.UTF_8)))
			.all()
			.collectList()
			.block(settings.sendTimeout());
		if (batch == null || batch.isEmpty()) {
			return 0;
		}
		ensureTopics();
		List<CompletableFuture<?>> acknowledgements = new ArrayList<>(batch.size());
		for (Pending event : batch) {
			acknowledgements.add(kafka.send(new ProducerRecord<>(event.topic(), event.key(),
					event.envelope().toCloudEvent(event.payload()))));
		}
		try {
			CompletableFuture.allOf(acknowledgements.toArray(CompletableFuture[]::new))
				.get(settings.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("the broker did not acknowledge the batch", ex);
		}
		Long[] positions = batch.stream().map(Pending::position).toArray(Long[]::new);
		database.sql("update outbox set published_at = now() where position = any(:positions)")
			.bind("positions", positions)
			.then()
			.block(settings.sendTimeout());
		log.debug("Published {} outbox events", batch.size());
		return batch.size();
	}

	/**
	 * Creates the producer, its connections and its partition metadata before the first event needs them, so the
	 * first sign-up after a start is as fast as the others. A broker that is down now is retried by the main loop.
	 */
	private void warmUp() {
		try {
			ensureTopics();
			topics.orderedStream().forEach(topic -> kafka.partitionsFor(topic.name()));
		}
		catch (RuntimeException ex) {
			log.info("Kafka is not reachable yet; events wait in the outbox until it is: {}", ex.toString());
		}
	}

	private void ensureTopics() {
		if (!topicsReady) {
			// Creates missing topics; done here, not only at start-up, in case the broker was down then.
			if (!admin.initialize()) {
				throw new IllegalStateException("the event topics could not be checked or created");
			}
			topicsReady = true;
		}
	}

	private static Duration min(Duration a, Duration b) {
		return a.compareTo(b) <= 0 ? a : b;
	}

	private record Pending(long position, String topic, String key, EventEnvelope envelope, byte[] payload) {
	}
}
