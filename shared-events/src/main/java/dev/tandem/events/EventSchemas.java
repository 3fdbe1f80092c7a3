package dev.tandem.events;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON Schema of each event type, as published in {@code schemas/<type>.schema.json}, and the check of event
 * data against it, so producers and consumers hold events to the same contract.
 */
public final class EventSchemas {

	private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Map<String, Schema> SCHEMAS = new ConcurrentHashMap<>();

	private EventSchemas() {
	}

	/**
	 * Checks event data against its type's schema.
	 *
	 * @throws MalformedEvent if the data is not JSON or breaks the schema, naming what is wrong
	 */
	public static void check(String type, byte[] data) {
		JsonNode tree;
		try {
			tree = JSON.readTree(data);
		}
		catch (JacksonException ex) {
			throw new MalformedEvent("data is not JSON: " + ex.getOriginalMessage(), ex);
		}
		List<Error> errors = schema(type).validate(tree);
		if (!errors.isEmpty()) {
			throw new MalformedEvent("data breaks the schema of " + type + ": "
					+ errors.stream().map(Error::getMessage).limit(5).toList());
		}
	}

	/** The schema of a type, read once from the classpath. */
	public static Schema schema(String type) {
		return SCHEMAS.computeIfAbsent(type, EventSchemas::load);
	}

	private static Schema load(String type) {
		String path = "/schemas/" + type + ".schema.json";
		try (InputStream stream = EventSchemas.class.getResourceAsStream(path)) {
			if (stream == null) {
				throw new MalformedEvent("no schema for event type " + type);
			}
			return REGISTRY.getSchema(stream);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("the schema " + path + " could not be read", ex);
		}
	}
}
