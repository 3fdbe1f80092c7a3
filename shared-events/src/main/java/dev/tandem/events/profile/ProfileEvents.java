package dev.tandem.events.profile;

import java.net.URI;
import java.util.Map;
import java.util.UUID;

import dev.tandem.events.EventEnvelope;
import dev.tandem.events.EventJson;
import dev.tandem.events.MalformedEvent;
import io.cloudevents.CloudEvent;

/**
 * Where profile events travel and how they map to and from CloudEvents.
 */
public final class ProfileEvents {

	/** The topic of all profile events; the message key is the user id, so one profile's events stay in order. */
	public static final String TOPIC = "profile.profile-events";

	/** The {@code ce_source} of events published by profile-service. */
	public static final URI SOURCE = URI.create("/tandem/profile-service");

	private static final Map<String, Class<? extends ProfileEvent>> TYPES = Map.of(
			ProfileUpdated.TYPE, ProfileUpdated.class,
			ProfileDeleted.TYPE, ProfileDeleted.class);

	private ProfileEvents() {
	}

	/** The CloudEvents type of an event. */
	public static String typeOf(ProfileEvent event) {
		return event instanceof ProfileUpdated ? ProfileUpdated.TYPE : ProfileDeleted.TYPE;
	}

	/** The envelope of a new event, with a new id ({@link EventEnvelope#newId()}). */
	public static EventEnvelope envelope(ProfileEvent event) {
		return envelope(EventEnvelope.newId(), event);
	}

	/** The envelope of a new event with the given id. */
	public static EventEnvelope envelope(UUID eventId, ProfileEvent event) {
		return new EventEnvelope(eventId, typeOf(event), SOURCE, event.userId().toString(), event.occurredAt());
	}

	/** The CloudEvent of a new event with the given id, in the form relays hand to Kafka. */
	public static CloudEvent toCloudEvent(UUID eventId, ProfileEvent event) {
		return envelope(eventId, event).toCloudEvent(EventJson.write(event));
	}

	/**
	 * Reads a received CloudEvent.
	 *
	 * @throws MalformedEvent if the type is unknown, the data is missing or breaks the type's JSON Schema, or the
	 *         subject is not the user id the data names
	 */
	public static ProfileEvent fromCloudEvent(CloudEvent cloudEvent) {
		ProfileEvent event = EventJson.read(cloudEvent, TYPES);
		if (!event.userId().toString().equals(cloudEvent.getSubject())) {
			throw new MalformedEvent("event " + cloudEvent.getId() + " names user " + event.userId()
					+ " but has subject " + cloudEvent.getSubject());
		}
		return event;
	}
}
