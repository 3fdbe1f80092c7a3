package dev.tandem.profile.events;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.tandem.events.user.UserCreated;
import dev.tandem.events.user.UserEvent;
import dev.tandem.events.user.UserEvents;
import dev.tandem.profile.profiles.Profiles;
import dev.tandem.support.data.DataRefusals;
import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.CloudEventDeserializer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.ReceiverContext;
import io.r2dbc.spi.R2dbcException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Keeps profiles in step with users, a batch of events at a time: creates the profile of every new user, copies
 * changed identity facts, removes the profile of a deleted user. Each batch is applied in one transaction with a
 * few multi-row statements. The listener returns only after that transaction committed, and the container commits
 * the offsets only after the listener returned, so a crash in between redelivers the batch, which changes nothing
 * the second time. A record that can never be processed goes to the dead-letter topic, so the partition keeps
 * moving, and so does an event the database refuses (it is found by applying the batch one event at a time); any
 * other failure (the database is down) fails the whole batch, which the error handler retries.
 */
@Component
class UserEventsListener {

	private static final Logger log = LoggerFactory.getLogger(UserEventsListener.class);

	private static final Duration DATABASE_TIMEOUT = Duration.ofSeconds(30);

	private final Profiles profiles;

	private final DeadLetters deadLetters;

	private final Clock clock;

	private final MeterRegistry meters;

	private final Timer signUpLatency;

	private final ObservationRegistry observations;

	UserEventsListener(Profiles profiles, DeadLetters deadLetters, Clock clock, MeterRegistry meters,
			ObjectProvider<ObservationRegistry> observations) {
		this.observations = observations.getIfAvailable(() -> ObservationRegistry.NOOP);
		this.profiles = profiles;
		this.deadLetters = deadLetters;
		this.clock = clock;
		this.meters = meters;
		this.signUpLatency = Timer.builder("tandem.signup.profile.latency")
			.description("From the commit of a new user in identity-service to the commit of its profile")
			.publishPercentileHistogram()
			.register(meters);
	}

	@KafkaListener(id = "user-events", topics = UserEvents.TOPIC, batch = "true")
	void on(List<ConsumerRecord<String, byte[]>> records) {
		List<UserEvent> events = new ArrayList<>(records.size());
		List<ConsumerRecord<String, byte[]>> sources = new ArrayList<>(records.size());
		List<DeadLetters.DeadLetter> dead = new ArrayList<>();
		try (CloudEventDeserializer cloudEvents = new CloudEventDeserializer()) {
			for (ConsumerRecord<String, byte[]> record : records) {
				try {
					CloudEvent cloudEvent = cloudEvents.deserialize(record.topic(), record.headers(), record.value());
					events.add(UserEvents.fromCloudEvent(cloudEvent));
					sources.add(record);
					meters.counter("tandem.events.processed", "type", cloudEvent.getType()).increment();
				}
				catch (RuntimeException undecodable) {
					dead.add(new DeadLetters.DeadLetter(record, undecodable));
				}
			}
		}
		// Listener threads are not event-loop threads: blocking here is what orders the commits before the offsets.
		// The batch first: while the database is down the batch is retried, and dead letters must not be sent again
		// with every attempt.
		long changed;
		try {
			changed = batchObservation(sources).observe(() -> apply(events));
		}
		catch (RuntimeException failure) {
			meters.counter("tandem.events.failed").increment();
			if (!DataRefusals.refusedAsData(failure)) {
				throw failure;
			}
			// One event holds what the database will never take: apply them one at a time and dead-letter that one,
			// rather than retrying the whole batch forever and holding up the partition.
			log.warn("The database refused a batch of {} user events ({}); applying them one at a time",
					events.size(), failure.toString());
			changed = 0;
			for (int i = 0; i < events.size(); i++) {
				try {
					changed += apply(List.of(events.get(i)));
				}
				catch (RuntimeException refused) {
					if (!DataRefusals.refusedAsData(refused)) {
						throw refused;
					}
					dead.add(new DeadLetters.DeadLetter(sources.get(i), databaseCause(refused)));
				}
			}
		}
		deadLetters.send(dead);
		recordSignUpLatency(events);
		log.debug("Applied {} user events ({} profiles changed, {} dead-lettered)", events.size(), changed,
				dead.size());
	}

	/**
	 * The observation (and so the span) the batch is applied in: it continues the trace of the first event that
	 * carries one (the relay puts the registration's trace in the headers), so one trace runs from the request to this
	 * insert, and on into the profile events written here.
	 */
	private Observation batchObservation(List<ConsumerRecord<String, byte[]>> records) {
		ConsumerRecord<String, byte[]> traced = records.stream()
			.filter(record -> record.headers().lastHeader("traceparent") != null)
			.findFirst()
			.orElse(records.isEmpty() ? null : records.get(0));
		ReceiverContext<ConsumerRecord<String, byte[]>> context = new ReceiverContext<>((record, key) -> {
			Header header = record.headers().lastHeader(key);
			return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
		});
		if (traced != null) {
			context.setCarrier(traced);
		}
		context.setRemoteServiceName("kafka");
		return Observation.createNotStarted("tandem.user-events.apply", () -> context, observations)
			.contextualName("apply user events")
			.lowCardinalityKeyValue("topic", UserEvents.TOPIC)
			.highCardinalityKeyValue("events", String.valueOf(records.size()));
	}

	/**
	 * From identity-service's commit of a new user to the commit of its profile here: the figure users pick an
	 * event-driven design by ({@code tandem.signup.profile.latency}).
	 */
	private void recordSignUpLatency(List<UserEvent> events) {
		Instant now = clock.instant();
		for (UserEvent event : events) {
			if (event instanceof UserCreated) {
				signUpLatency.record(Duration.between(event.occurredAt(), now));
			}
		}
	}

	private long apply(List<UserEvent> events) {
		// contextCapture: the batch's observation, current on this thread, goes into the Reactor context, where
		// the outbox reads the trace its ProfileUpdated events continue.
		Long changed = profiles.applyAll(events, clock.instant()).contextCapture().block(DATABASE_TIMEOUT);
		return changed == null ? 0 : changed;
	}

	/** The database's own report of a failure (its message names what it refused), or the failure itself. */
	private static Throwable databaseCause(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof R2dbcException) {
				return cause;
			}
		}
		return failure;
	}
}
