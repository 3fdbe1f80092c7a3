package dev.tandem.events;

import java.util.Map;

import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one JSON mapping of event data, shared by producers and consumers so both sides read what the other wrote.
 */
public final class EventJson {

	private static final JsonMapper MAPPER = JsonMapper.builder()
		.disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
		// Evolution rule: producers may add optional fields; older consumers must ignore them.
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
		.build();

	private EventJson() {
	}

	public static byte[] write(Object data) {
		return MAPPER.writeValueAsBytes(data);
	}

	/**
	 * @throws MalformedEvent if the bytes are not JSON of the expected shape
	 */
	public static <T> T read(byte[] data, Class<T> type) {
		try {
			return MAPPER.readValue(data, type);
		}
		catch (JacksonException ex) {
			throw new MalformedEvent("data is not a valid " + type.getSimpleName() + ": " + ex.getOriginalMessage(), ex);
		}
	}

	/**
	 * Reads the data of a received CloudEvent as the record its type names, after checking it against the type's
	 * JSON Schema.
	 *
	 * @param types the record of each CloudEvents type the caller understands
	 * @throws MalformedEvent if the type is unknown, the data is missing or breaks the type's JSON Schema
	 */
	public static <T> T read(CloudEvent cloudEvent, Map<String, Class<? extends T>> types) {
		Class<? extends T> type = types.get(cloudEvent.getType());
		if (type == null) {
			throw new MalformedEvent("unknown event type " + cloudEvent.getType());
		}
		CloudEventData data = cloudEvent.getData();
		if (data == null) {
			throw new MalformedEvent("event " + cloudEvent.getId() + " has no data");
		}
		byte[] bytes = data.toBytes();
		EventSchemas.check(cloudEvent.getType(), bytes);
		return read(bytes, type);
	}
}
