package dev.tandem.events.user;

import java.net.URI;
import java.util.Map;
import java.util.UUID;

import dev.tandem.events.EventEnvelope;
import dev.tandem.events.EventJson;
import dev.tandem.events.MalformedEvent;
import io.cloudevents.CloudEvent;

/**
 * Where user events travel and how they map to and from CloudEvents.
 */
public final class UserEvents {

	/** The topic of all user events; the message key is the user id, so one user's events stay in order. */
	public static final String TOPIC = "identity.user-events";

	/** The {@code ce_source} of events published by identity-service. */
	public static final URI SOURCE = URI.create("/tandem/identity-service");

	private static final Map<String, Class<? extends UserEvent>> TYPES = Map.of(
			UserCreated.TYPE, UserCreated.class,
			UserUpdated.TYPE, UserUpdated.class,
			UserDeleted.TYPE, UserDeleted.class);

	private UserEvents() {
	}

	/** The CloudEvents type of an event. */
	public static String typeOf(UserEvent event) {
		if (event instanceof UserCreated) {
			return UserCreated.TYPE;
		}
		return event instanceof UserUpdated ? UserUpdated.TYPE : UserDeleted.TYPE;
	}

	/** The envelope of a new event, with a new id ({@link EventEnvelope#newId()}). */
	public static EventEnvelope envelope(UserEvent event) {
		return envelope(EventEnvelope.newId(), event);
	}

	/** The envelope of a new event with the given id. */
	public static EventEnvelope envelope(UUID eventId, UserEvent event) {
		return new EventEnvelope(eventId, typeOf(event), SOURCE, event.userId().toString(), event.occurredAt());
	}

	/** The CloudEvent of a new event with the given id, in the form relays hand to Kafka. */
	public static CloudEvent toCloudEvent(UUID eventId, UserEvent event) {
		return envelope(eventId, event).toCloudEvent(EventJson.write(event));
	}

	/**
	 * Reads a received CloudEvent.
	 *
	 * @throws MalformedEvent if the type is unknown, the data is missing or breaks the type's JSON Schema, or the
	 *         subject is not the user id the data names
	 */
	public static UserEvent fromCloudEvent(CloudEvent cloudEvent) {
		UserEvent event = EventJson.read(cloudEvent, TYPES);
		if (!event.userId().toString().equals(cloudEvent.getSubject())) {
			throw new MalformedEvent("event " + cloudEvent.getId() + " names user " + event.userId()
					+ " but has subject " + cloudEvent.getSubject());
		}
		return event;
	}
}
