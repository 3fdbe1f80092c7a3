package dev.tandem.profile.profiles;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.stereotype.Component;

/**
 * The deployment's JSON Schema (draft 2020-12) of a profile's custom fields, its {@code attributes}: what Django
 * would need a migration for is a change of this file. The schema is checked against the 2020-12 meta-schema at
 * start-up, so a broken file stops the service instead of every request.
 *
 * <p>Fields the schema's top-level {@code required} names never stop a profile from being created: a profile
 * without them is merely incomplete.
 */
@Component
public class ProfileSchema {

	private static final String META_SCHEMA = "https://json-schema.org/draft/2020-12/schema";

	private final JsonNode document;

	private final Schema schema;

	private final List<String> required;

	ProfileSchema(ProfileSettings settings, ResourceLoader resources, JsonMapper json) {
		Resource resource = resources.getResource(settings.schema());
		try (InputStream stream = resource.getInputStream()) {
			this.document = json.readTree(stream);
		}
		catch (IOException | JacksonException ex) {
			throw new IllegalStateException("The profile schema " + settings.schema() + " cannot be read: " + ex.getMessage(), ex);
		}
		SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
				builder -> builder.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
		List<Error> problems = registry.getSchema(SchemaLocation.of(META_SCHEMA)).validate(document);
		if (!problems.isEmpty() || !"object".equals(document.path("type").asString(""))) {
			throw new IllegalStateException("The profile schema " + settings.schema()
					+ " must be a JSON Schema (draft 2020-12) of \"type\": \"object\": "
					+ problems.stream().map(Error::getMessage).toList());
		}
		this.schema = registry.getSchema(document);
		// Resolves every $ref now: a schema that cannot be used stops the start, not each request.
		this.schema.initializeValidators();
		List<String> names = new ArrayList<>();
		document.path("required").forEach(name -> names.add(name.asString()));
		this.required = List.copyOf(names);
	}

	/** The schema as the deployment wrote it, for client apps to render forms from. */
	public JsonNode document() {
		return document;
	}

	/** The attributes a complete profile has. */
	public List<String> required() {
		return required;
	}

	/**
	 * What is wrong with a profile's attributes, each problem with its JSON pointer in the profile; a missing
	 * required attribute is not a problem here (see {@link #missingFields}).
	 */
	List<InvalidProfile.FieldProblem> problems(JsonNode attributes) {
		List<InvalidProfile.FieldProblem> problems = new ArrayList<>();
		for (Error error : schema.validate(attributes)) {
			// The schema's own top-level required list is completeness, not validity; a required inside anyOf,
			// oneOf or a nested object is a rule a change must keep.
			if ("required".equals(error.getKeyword()) && error.getInstanceLocation().getNameCount() == 0
					&& error.getEvaluationPath().getNameCount() == 1) {
				continue;
			}
			String pointer = "/attributes" + pointer(error.getInstanceLocation());
			// Keywords about members (additionalProperties, propertyNames, dependentRequired, ...) name the member.
			String property = error.getProperty();
			if (property != null && !pointer.endsWith("/" + escape(property))) {
				pointer = pointer + "/" + escape(property);
			}
			problems.add(new InvalidProfile.FieldProblem(pointer.substring(1).replace('/', '.'), pointer,
					withoutLocation(error.getMessage())));
		}
		return problems;
	}

	/** The JSON pointers of the required attributes that have no value. */
	public List<String> missingFields(JsonNode attributes) {
		return required.stream()
			.filter(name -> attributes.path(name).isMissingNode() || attributes.path(name).isNull())
			.map(name -> "/attributes/" + escape(name))
			.toList();
	}

	private static String pointer(NodePath path) {
		StringBuilder pointer = new StringBuilder();
		for (int i = 0; i < path.getNameCount(); i++) {
			pointer.append('/').append(escape(String.valueOf(path.getElement(i))));
		}
		return pointer.toString();
	}

	static String escape(String name) {
		return name.replace("~", "~0").replace("/", "~1");
	}

	/** The validator's messages start with the instance location, which the problem carries as its pointer. */
	private static String withoutLocation(String message) {
		int colon = message.indexOf(": ");
		boolean located = colon == 0 || message.startsWith("/") || message.startsWith("$");
		return located && colon >= 0 ? message.substring(colon + 2) : message;
	}
}
