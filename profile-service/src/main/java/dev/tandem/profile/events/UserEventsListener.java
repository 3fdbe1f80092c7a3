package dev.tandem.profile.events;

import java.time.Clock;
import java.time.Duration;

import dev.tandem.events.user.UserCreated;
import dev.tandem.events.user.UserEvent;
import dev.tandem.events.user.UserEvents;
import dev.tandem.profile.profiles.Profiles;
import io.cloudevents.CloudEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Creates the profile of every new user. The listener returns only after the row is committed, and the container
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
		if (event instanceof UserCreated created) {
			// Listener threads are not event-loop threads: blocking until the commit is what orders it before the offset.
			Boolean inserted = profiles.createFor(created, clock.instant()).block(DATABASE_TIMEOUT);
			log.debug("UserCreated {} for user {}: {}", record.value().getId(), created.userId(),
					Boolean.TRUE.equals(inserted) ? "profile created" : "profile already existed");
		}
		else {
			log.debug("Ignoring {} for user {}", record.value().getType(), event.userId());
		}
	}
}
