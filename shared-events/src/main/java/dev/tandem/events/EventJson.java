package dev.tandem.events;

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
}
