package dev.tandem.profile.events;

import java.time.Clock;
import java.time.Duration;

import dev.tandem.events.user.UserCreated;
import dev.tandem.events.user.UserDeleted;
import dev.tandem.events.user.UserEvent;
import dev.tandem.events.user.UserEvents;
import dev.tandem.events.user.UserUpdated;
import dev.tandem.profile.profiles.Profiles;
import io.cloudevents.CloudEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Keeps profiles in step with users: creates the profile of every new user, copies changed identity facts, removes
 * the profile of a deleted user. The listener returns only after the row is committed, and the container
 * commits the offset only after the listener returned, so a crash in between redelivers the event, which the
 * idempotent insert absorbs.
 */
@Component
class UserEventsListener {

	private static final Logger log = LoggerFactory.getLogger(UserEventsListener.class);

	private static final Duration DATABASE_TIMEOUT = Duration.ofSeconds(30);

	private final Profiles profiles;

	private final Clock clock;

	UserEventsListener(Profiles profiles, Clock clock) {
		this.profiles = profiles;
		this.clock = clock;
	}

	@KafkaListener(id = "user-events", topics = UserEvents.TOPIC)
	void on(ConsumerRecord<String, CloudEvent> record) {
		UserEvent event = UserEvents.fromCloudEvent(record.value());
		Mono<Boolean> applied;
		if (event instanceof UserCreated created) {
			applied = profiles.createFor(created, clock.instant());
		}
		else if (event instanceof UserUpdated updated) {
			applied = profiles.apply(updated, clock.instant());
		}
		else {
			applied = profiles.apply((UserDeleted) event, clock.instant());
		}
		// Listener threads are not event-loop threads: blocking until the commit is what orders it before the offset.
		Boolean changed = applied.block(DATABASE_TIMEOUT);
		log.debug("{} {} for user {}: {}", record.value().getType(), record.value().getId(), event.userId(),
				Boolean.TRUE.equals(changed) ? "applied" : "nothing to change");
	}
}
