package dev.tandem.events;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.CloudEventDeserializer;
import io.cloudevents.kafka.CloudEventSerializer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The golden Kafka messages under {@code src/test/resources/golden/}: one per event type, headers and value as a
 * broker would hold them.
 */
public final class GoldenMessages {

	public static final JsonMapper JSON = JsonMapper.builder().build();

	private GoldenMessages() {
	}

	/** The golden message of a CloudEvents type: {@code key}, {@code headers} and {@code value}. */
	public static JsonNode golden(String type) {
		String path = "/golden/" + type + ".json";
		try (InputStream stream = GoldenMessages.class.getResourceAsStream(path)) {
			if (stream == null) {
				throw new IllegalStateException("missing test resource " + path);
			}
			return JSON.readTree(stream);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Serialises a CloudEvent as a producer would, answering the message in the golden files' form. */
	public static JsonNode send(String topic, CloudEvent event) {
		RecordHeaders headers = new RecordHeaders();
		byte[] value;
		try (CloudEventSerializer serializer = new CloudEventSerializer()) {
			serializer.configure(Map.of(), false);
			value = serializer.serialize(topic, headers, event);
		}
		Map<String, String> headerMap = new LinkedHashMap<>();
		for (Header header : headers) {
			headerMap.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
		}
		ObjectNode message = JSON.createObjectNode();
		message.set("headers", JSON.valueToTree(headerMap));
		message.set("value", JSON.readTree(value));
		return message;
	}

	/** Deserialises a message in the golden files' form as a consumer would. */
	public static CloudEvent receive(String topic, JsonNode message) {
		RecordHeaders headers = new RecordHeaders();
		textMap(message.get("headers"))
			.forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
		try (CloudEventDeserializer deserializer = new CloudEventDeserializer()) {
			return deserializer.deserialize(topic, headers, JSON.writeValueAsBytes(message.get("value")));
		}
	}

	/** A JSON object of strings as a map. */
	public static Map<String, String> textMap(JsonNode node) {
		Map<String, String> map = new LinkedHashMap<>();
		node.properties().forEach(entry -> map.put(entry.getKey(), entry.getValue().asString()));
		return map;
	}
}
