package dev.tandem.outbox;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
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
import java.util.concurrent.atomic.AtomicLong;

import dev.tandem.events.EventEnvelope;
import io.cloudevents.CloudEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.tracing.Span;
import io.r2dbc.postgresql.PostgresqlConnectionFactoryProvider;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
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

/**
 * Publishes outbox events to Kafka in the order they were written and takes them off the queue of pending events
 * ({@code outbox_pending}) only after the broker acknowledged them. It is woken when a change that wrote events has
 * committed ({@link RelayWakeUps}: in memory on this replica, by a {@code NOTIFY} from another), so an event leaves
 * within milliseconds, and polls slowly as a fallback. While the broker or the database
 * is down it backs off and keeps trying: events wait in the table, never in memory.
 *
 * <p>With several replicas only one relays: the one holding a PostgreSQL advisory lock on a connection of its own.
 * The lock lives as long as that connection, so when the holder dies the database releases it and another replica
 * takes over at its next check. One user's events leave in commit order: each change of a user locks the user's
 * row, so its outbox row is written after the previous change committed and gets a later position, and the relay
 * sends in position order through an idempotent producer, on the partition of the user's key.
 *
 * <p>It publishes at least once: a crash between the broker's acknowledgement and the dequeuing publishes a batch
 * again; consumers absorb that (every user event is idempotent by version).
 */
public class OutboxRelay implements SmartLifecycle {

	static final String CHANNEL = "outbox";

	/** The advisory lock key that elects the relaying replica ("tandem-outbox" in ASCII, folded into a long). */
	static final long LEADER_LOCK = 0x74616E64656D4FL;

	private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

	private final DatabaseClient database;

	private final KafkaTemplate<String, CloudEvent> kafka;

	private final KafkaAdmin admin;

	private final ConnectionFactory leaderConnections;

	private final OutboxSettings settings;

	private final ObjectProvider<NewTopic> topics;

	private final Clock clock;

	private final @Nullable TraceContext traces;

	private final Semaphore wakeups = new Semaphore(0);

	private final AtomicLong backlog = new AtomicLong();

	private final AtomicLong oldestAgeMillis = new AtomicLong();

	private final Timer publishLatency;

	private final Counter published;

	private volatile boolean running;

	private volatile boolean leader;

	private volatile boolean topicsReady;

	private @Nullable Thread worker;

	private @Nullable Disposable leadership;

	/**
	 * @param kafka a template whose producer sends CloudEvents (binary mode) and is idempotent
	 * @param topics the topics the relay makes sure exist before it publishes
	 */
	public OutboxRelay(DatabaseClient database, KafkaTemplate<String, CloudEvent> kafka, KafkaAdmin admin,
			R2dbcConnectionDetails connectionDetails, OutboxSettings settings, ObjectProvider<NewTopic> topics,
			MeterRegistry meters, Clock clock, @Nullable TraceContext traces) {
		this.traces = traces;
		this.database = database;
		this.kafka = kafka;
		this.admin = admin;
		// Connections of its own, outside any pool: one holds the leader lock and listens for commits. TCP keepalive,
		// so a connection whose peer vanished without a reset is noticed.
		ConnectionFactoryOptions options = connectionDetails.getConnectionFactoryOptions();
		ConnectionFactoryOptions.Builder direct = options.mutate().option(PostgresqlConnectionFactoryProvider.TCP_KEEPALIVE, true);
		if ("pool".equals(options.getValue(ConnectionFactoryOptions.DRIVER))) {
			direct.option(ConnectionFactoryOptions.DRIVER, String.valueOf(options.getValue(ConnectionFactoryOptions.PROTOCOL)));
		}
		this.leaderConnections = ConnectionFactories.get(direct.build());
		this.settings = settings;
		this.topics = topics;
		this.clock = clock;
		Gauge.builder("tandem.outbox.backlog", backlog, AtomicLong::get)
			.description("Outbox events not yet published")
			.register(meters);
		Gauge.builder("tandem.outbox.oldest.age", oldestAgeMillis, age -> age.get() / 1000.0)
			.description("Age of the oldest unpublished outbox event")
			.baseUnit("seconds")
			.register(meters);
		this.publishLatency = Timer.builder("tandem.outbox.publish.latency")
			.description("From the event's commit to the broker's acknowledgement")
			.publishPercentileHistogram()
			.register(meters);
		this.published = Counter.builder("tandem.outbox.published").description("Events published").register(meters);
	}

	@Override
	public void start() {
		if (!settings.relayEnabled()) {
			log.info("Outbox relay disabled on this replica (tandem.outbox.relay-enabled=false)");
			return;
		}
		running = true;
		leadership = contendForLeadership();
		Thread thread = new Thread(this::run, "outbox-relay");
		thread.setDaemon(true);
		worker = thread;
		thread.start();
	}

	@Override
	public void stop() {
		running = false;
		Disposable subscription = leadership;
		if (subscription != null) {
			subscription.dispose();
		}
		leader = false;
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

	/** Whether this replica holds the leader lock and relays. */
	public boolean isLeader() {
		return leader;
	}

	/** Asks the relay to look for events now rather than at its next poll. */
	void wake() {
		wakeups.release();
	}

	/**
	 * Holds a connection that tries the leader lock until it gets it, then listens for commits on it for as long as
	 * it lives; a lost connection loses the lock (the database releases it) and starts over.
	 */
	private Disposable contendForLeadership() {
		return Flux.usingWhen(Mono.from(leaderConnections.create()), connection -> {
			PostgresqlConnection postgres = (PostgresqlConnection) connection;
			return Flux.interval(Duration.ZERO, settings.leadershipCheck())
				.concatMap(tick -> Flux.from(postgres.createStatement("select pg_try_advisory_lock($1)")
					.bind("$1", LEADER_LOCK)
					.execute()).flatMap(result -> result.map((row, meta) -> Boolean.TRUE.equals(row.get(0, Boolean.class)))))
				.filter(Boolean::booleanValue)
				.next()
				.flatMapMany(acquired -> Flux.from(postgres.createStatement("LISTEN " + CHANNEL).execute())
					.flatMap(result -> result.getRowsUpdated())
					.doOnComplete(() -> {
						leader = true;
						log.info("This replica now relays the outbox");
						// Events committed while no one relayed are found by the round this wake-up starts.
						wake();
					})
					// The leader keeps asking its own connection; a connection that stopped answering loses the lead.
					.thenMany(postgres.getNotifications().mergeWith(heartbeat(postgres))));
		}, connection -> {
			leader = false;
			return connection.close();
		})
			.doOnNext(notification -> wake())
			.doOnError(error -> {
				if (leader) {
					log.warn("Lost the outbox relay lock with its connection; contending again: {}", error.toString());
				}
				leader = false;
			})
			.retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(settings.leadershipCheck()))
			.subscribe();
	}

	/** Completes never; fails when the connection does not answer within a leadership check. */
	private Flux<io.r2dbc.postgresql.api.Notification> heartbeat(PostgresqlConnection postgres) {
		return Flux.interval(settings.leadershipCheck())
			.concatMap(tick -> Flux.from(postgres.createStatement("select 1").execute())
				.flatMap(result -> result.getRowsUpdated())
				.then()
				.timeout(settings.leadershipCheck()))
			.thenMany(Flux.empty());
	}

	private void run() {
		warmUp();
		Duration backoff = Duration.ZERO;
		Instant nextHousekeeping = Instant.EPOCH;
		while (running) {
			try {
				if (backoff.isZero()) {
					wakeups.tryAcquire(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
				}
				else {
					Thread.sleep(backoff.toMillis());
				}
				wakeups.drainPermits();
				if (clock.instant().isAfter(nextHousekeeping)) {
					measure();
					if (leader) {
						purge();
					}
					nextHousekeeping = clock.instant().plus(settings.metricsInterval());
				}
				while (running && leader && publishBatch() == settings.batchSize()) {
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

	/**
	 * Takes published events off the queue without waiting for the disk: {@code synchronous_commit} is off for this
	 * statement's own transaction, and back to the connection's setting after it. A crash that loses the delete leaves
	 * the events queued, and they are sent again, as after a crash between the broker's acknowledgement and the
	 * delete; consumers apply an event once however often it comes. The changes and their events are committed
	 * durably; this spares them a flush of the log per batch to wait behind. A delete in {@code WITH} always runs to
	 * its end, and the select without a {@code FROM} once, so the setting is made whatever the plan and whether or not
	 * a row matched. Public for the services' tests; anything else run in the same transaction would commit the same
	 * way.
	 *
	 * <p>{@code $1} holds the batch's positions, {@code $2} and {@code $3} the first and the last of them. The range
	 * is redundant for the result and there for the plan: a plan PostgreSQL made while the queue was empty (it empties
	 * after every burst, and a prepared statement keeps its generic plan until the table's statistics change, which
	 * may be while it is empty) scans the queue and compares each entry with every position of the array; with the
	 * range, only the entries between the batch's ends are (docs/benchmarks.md, item 41).
	 */
	public static final String TAKE_OFF_THE_QUEUE = """
			with taken as (delete from outbox_pending where position between $2 and $3 and position = any($1))
			select set_config('synchronous_commit', 'off', true)""";

	/**
	 * The events at the positions {@code $1}, the first and last of which are {@code $2} and {@code $3}, in order. The
	 * range is there for the plan, as in {@link #TAKE_OFF_THE_QUEUE}: a plan made while the outbox was empty (a new
	 * installation's first import) would otherwise compare every row with the whole batch. Public for the services'
	 * tests.
	 */
	public static final String QUEUED_EVENTS = """
			select event_id, topic, message_key, event_type, source, subject, occurred_at, payload, trace_parent
			from outbox where position between $2 and $3 and position = any($1) order by position""";

	/**
	 * Publishes the oldest unpublished events, and answers how many entries of the queue it took. The first in line
	 * are taken from the queue, then looked up by position. Not a join: a plan made while the queue's statistics are
	 * stale (it empties and fills by the thousand) may merge the queue with the whole outbox, reading every retained
	 * row to find a few. An entry whose event is gone (deleted by hand) is taken off the queue, not left at its head.
	 */
	int publishBatch() throws InterruptedException {
		List<Long> head = database.sql("select position from outbox_pending order by position limit :limit")
			.bind("limit", settings.batchSize())
			.map(row -> row.get("position", Long.class))
			.all()
			.collectList()
			.block(settings.sendTimeout());
		if (head == null || head.isEmpty()) {
			return 0;
		}
		Long[] positions = head.toArray(Long[]::new);
		// In order: the first and the last bound the range both statements look in.
		Long first = positions[0];
		Long last = positions[positions.length - 1];
		List<Pending> batch = database.sql(QUEUED_EVENTS)
			.bind(0, positions)
			.bind(1, first)
			.bind(2, last)
			.map((row, metadata) -> new Pending(row.get("topic", String.class), row.get("message_key", String.class),
					new EventEnvelope(row.get("event_id", UUID.class), row.get("event_type", String.class),
							URI.create(row.get("source", String.class)), row.get("subject", String.class),
							row.get("occurred_at", Instant.class)),
					row.get("payload", String.class).getBytes(StandardCharsets.UTF_8), row.get("trace_parent", String.class)))
			.all()
			.collectList()
			.block(settings.sendTimeout());
		if (batch == null) {
			batch = List.of();
		}
		if (batch.size() < head.size()) {
			log.warn("{} queued outbox positions have no event (deleted by hand?); taking them off the queue",
					head.size() - batch.size());
		}
		if (!batch.isEmpty()) {
			send(batch);
		}
		Instant acknowledged = clock.instant();
		// The outbox rows stay as they were written; only their entries in the queue go.
		database.sql(TAKE_OFF_THE_QUEUE)
			.bind(0, positions)
			.bind(1, first)
			.bind(2, last)
			.then()
			.block(settings.sendTimeout());
		for (Pending event : batch) {
			publishLatency.record(Duration.between(event.envelope().time(), acknowledged));
		}
		published.increment(batch.size());
		log.debug("Published {} outbox events", batch.size());
		return head.size();
	}

	/** Sends the batch and waits until the broker acknowledged all of it. */
	private void send(List<Pending> batch) throws InterruptedException {
		ensureTopics();
		List<CompletableFuture<?>> acknowledgements = new ArrayList<>(batch.size());
		for (Pending event : batch) {
			ProducerRecord<String, CloudEvent> record = new ProducerRecord<>(event.topic(), event.key(),
					event.envelope().toCloudEvent(event.payload()));
			String traceParent = event.traceParent();
			if (traces == null || traceParent == null) {
				acknowledgements.add(kafka.send(record));
				continue;
			}
			// The publish continues the trace of the change that wrote the event, and hands it on in the headers.
			Span span = traces.publishing(traceParent, "outbox publish " + event.envelope().type(), record.headers());
			try {
				acknowledgements.add(kafka.send(record).whenComplete((result, failure) -> {
					if (failure != null) {
						span.error(failure);
					}
					span.end();
				}));
			}
			catch (RuntimeException ex) {
				span.error(ex).end();
				throw ex;
			}
		}
		try {
			CompletableFuture.allOf(acknowledgements.toArray(CompletableFuture[]::new))
				.get(settings.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("the broker did not acknowledge the batch", ex);
		}
	}

	/**
	 * Measures the backlog and the age of its oldest event, for the gauges. The oldest is the first in line: events
	 * take their positions as they are written, so within the moments transactions overlap, that is the oldest.
	 */
	private void measure() {
		database.sql("""
				select (select count(*) from outbox_pending) as backlog,
				       (select occurred_at from outbox
				        where position = (select min(position) from outbox_pending)) as oldest""")
			.map((row, meta) -> {
				Long count = row.get("backlog", Long.class);
				Instant oldest = row.get("oldest", Instant.class);
				backlog.set(count == null ? 0 : count);
				oldestAgeMillis.set(oldest == null ? 0 : Duration.between(oldest, clock.instant()).toMillis());
				return true;
			})
			.one()
			.block(settings.sendTimeout());
	}

	/**
	 * Deletes published events that occurred longer than the retention ago, a bounded number at a time, oldest first;
	 * an event still waiting for the broker stays however old it is. Events take their positions in the order they
	 * are written, so those before the first event within the retention are the old ones: the scan reads only them.
	 */
	private void purge() {
		Long purged = database.sql("""
				delete from outbox where position in (
				    select o.position from outbox o
				    where o.position < coalesce((select position from outbox where occurred_at >= :before
				                                 order by position limit 1), 9223372036854775807)
				      and not exists (select 1 from outbox_pending p where p.position = o.position)
				    order by o.position limit 10000)""")
			.bind("before", clock.instant().minus(settings.retention()))
			.fetch()
			.rowsUpdated()
			.block(settings.sendTimeout());
		if (purged != null && purged > 0) {
			log.info("Purged {} published outbox events older than {}", purged, settings.retention());
		}
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

	/** An event read for publishing; its position is in the batch's head, which is dequeued whole. */
	private record Pending(String topic, String key, EventEnvelope envelope, byte[] payload,
			@Nullable String traceParent) {
	}
}
