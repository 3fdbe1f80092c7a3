package dev.tandem.identity.user;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.tandem.events.EventJson;
import dev.tandem.events.user.UserCreated;
import dev.tandem.events.user.UserDeleted;
import dev.tandem.events.user.UserEvent;
import dev.tandem.events.user.UserEvents;
import dev.tandem.events.user.UserUpdated;
import dev.tandem.outbox.Outbox;
import dev.tandem.outbox.OutboxMessage;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

/**
 * Writes the user events other services care about to the outbox; call it inside the transaction of the change.
 */
@Component
public class UserEventOutbox {

	private final Outbox outbox;

	private final Clock clock;

	UserEventOutbox(Outbox outbox, Clock clock) {
		this.outbox = outbox;
		this.clock = clock;
	}

	Mono<Void> created(User user, @Nullable Map<String, Object> initialProfile) {
		return append(new UserCreated(user.id(), user.version(), now(), user.username(), user.email(), user.firstName(),
				user.lastName(), user.active(), initialProfile));
	}

	/**
	 * Writes {@code UserCreated} for many users in one statement.
	 *
	 * @param initialProfiles initial profile values by user id, for the users that have some
	 */
	public Mono<Void> createdAll(List<User> users, Map<UUID, Map<String, Object>> initialProfiles) {
		java.time.Instant now = now();
		return outbox.appendAll(users.stream().map(user -> {
			UserCreated event = new UserCreated(user.id(), user.version(), now, user.username(), user.email(),
					user.firstName(), user.lastName(), user.active(), initialProfiles.get(user.id()));
			return new OutboxMessage(UserEvents.TOPIC, user.id().toString(), UserEvents.envelope(event),
					EventJson.write(event));
		}).toList());
	}

	Mono<Void> updated(User user, Set<String> changedFields) {
		return append(new UserUpdated(user.id(), user.version(), now(), user.username(), user.email(),
				user.firstName(), user.lastName(), user.active(), changedFields));
	}

	Mono<Void> deleted(User user) {
		return append(new UserDeleted(user.id(), user.version(), now(), user.username(), user.email(),
				user.firstName(), user.lastName(), user.active()));
	}

	private Mono<Void> append(UserEvent event) {
		return outbox.append(UserEvents.TOPIC, event.userId().toString(), UserEvents.envelope(event),
				EventJson.write(event));
	}

	private java.time.Instant now() {
		return clock.instant().truncatedTo(ChronoUnit.MICROS);
	}
}
