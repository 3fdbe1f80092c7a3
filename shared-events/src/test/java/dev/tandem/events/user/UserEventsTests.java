package dev.tandem.events.user;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import dev.tandem.events.MalformedEvent;
import io.cloudevents.CloudEvent;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import static dev.tandem.events.GoldenMessages.golden;
import static dev.tandem.events.GoldenMessages.receive;
import static dev.tandem.events.GoldenMessages.send;
import static dev.tandem.events.GoldenMessages.textMap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The contract: records, CloudEvents binary-mode messages, golden samples and JSON Schemas agree.
 */
class UserEventsTests {

	private static final UUID ALICE = UUID.fromString("0b5f3f9e-6a43-4c47-9d8e-2a1b7c3d4e5f");

	static Stream<Arguments> goldenSamples() {
		return Stream.of(
				Arguments.of(UUID.fromString("5d0c8a43-2f4e-4f8a-8a3c-9e1d2b7f6a10"),
						new UserCreated(ALICE, 1, Instant.parse("2026-11-21T09:30:00.123Z"), "alice",
								"alice@example.com", "Alice", "Liddell", true,
								Map.of("bio", "Curiouser and curiouser.", "location", "Oxford"))),
				Arguments.of(UUID.fromString("7e2a9b1c-3d4f-4a5b-8c6d-0e1f2a3b4c5d"),
						new UserUpdated(ALICE, 2, Instant.parse("2026-11-22T10:00:00Z"), "alice",
								"alice@wonderland.example", "Alice", "Liddell", true, Set.of("email"))),
				Arguments.of(UUID.fromString("9a8b7c6d-5e4f-4321-8fed-cba987654321"),
						new UserDeleted(ALICE, 3, Instant.parse("2026-11-23T08:15:30.5Z"), "alice",
								"alice@wonderland.example", "Alice", "Liddell", true)));
	}

	@ParameterizedTest
	@MethodSource("goldenSamples")
	void serialisesToTheGoldenMessage(UUID eventId, UserEvent event) {
		JsonNode golden = golden(UserEvents.typeOf(event));

		JsonNode sent = send(UserEvents.TOPIC, UserEvents.toCloudEvent(eventId, event));

		assertThat(textMap(sent.get("headers"))).isEqualTo(textMap(golden.get("headers")));
		assertThat(sent.get("value")).isEqualTo(golden.get("value"));
	}

	@ParameterizedTest
	@MethodSource("goldenSamples")
	void deserialisesFromTheGoldenMessage(UUID eventId, UserEvent expected) {
		CloudEvent received = receive(UserEvents.TOPIC, golden(UserEvents.typeOf(expected)));

		assertThat(received.getId()).isEqualTo(eventId.toString());
		assertThat(received.getSubject()).isEqualTo(expected.userId().toString());
		assertThat(UserEvents.fromCloudEvent(received)).isEqualTo(expected);
	}

	@ParameterizedTest
	@MethodSource("goldenSamples")
	void goldenMessageConformsToItsSchema(UUID eventId, UserEvent event) {
		String type = UserEvents.typeOf(event);

		assertThat(schema(type).validate(golden(type).get("value"))).isEmpty();
	}

	@Test
	void leavesOutInitialProfileValuesThatAreNull() {
		java.util.Map<String, Object> given = new java.util.HashMap<>();
		given.put("bio", null);
		given.put("location", "Oxford");

		UserCreated created = new UserCreated(ALICE, 1, Instant.now(), "alice", "alice@example.com", "", "", true, given);

		assertThat(created.initialProfile()).containsExactly(java.util.Map.entry("location", "Oxford"));
	}

	@Test
	void schemaRejectsAnEventWithoutItsUserId() {
		String type = UserCreated.TYPE;
		JsonNode value = golden(type).get("value").deepCopy();
		((tools.jackson.databind.node.ObjectNode) value).remove("userId");

		List<Error> errors = schema(type).validate(value);

		assertThat(errors).extracting(Error::getMessage).anyMatch(message -> message.contains("userId"));
	}

	@Test
	void ignoresFieldsAddedByANewerProducer() {
		JsonNode message = golden(UserCreated.TYPE).deepCopy();
		((tools.jackson.databind.node.ObjectNode) message.get("value")).put("favouriteColour", "blue");

		UserEvent event = UserEvents.fromCloudEvent(receive(UserEvents.TOPIC, message));

		assertThat(event).isInstanceOf(UserCreated.class);
		assertThat(event.username()).isEqualTo("alice");
	}

	@Test
	void rejectsAnUnknownEventType() {
		JsonNode message = golden(UserCreated.TYPE).deepCopy();
		((tools.jackson.databind.node.ObjectNode) message.get("headers")).put("ce_type", "dev.tandem.identity.user.renamed.v1");

		assertThatThrownBy(() -> UserEvents.fromCloudEvent(receive(UserEvents.TOPIC, message))).isInstanceOf(MalformedEvent.class)
			.hasMessageContaining("unknown event type");
	}

	@Test
	void rejectsDataMissingARequiredField() {
		JsonNode message = golden(UserCreated.TYPE).deepCopy();
		((tools.jackson.databind.node.ObjectNode) message.get("value")).remove("username");

		assertThatThrownBy(() -> UserEvents.fromCloudEvent(receive(UserEvents.TOPIC, message))).isInstanceOf(MalformedEvent.class);
	}

	@Test
	void rejectsDataThatBreaksTheSchema() {
		JsonNode message = golden(UserCreated.TYPE).deepCopy();
		((tools.jackson.databind.node.ObjectNode) message.get("value")).put("username", "x".repeat(151));

		assertThatThrownBy(() -> UserEvents.fromCloudEvent(receive(UserEvents.TOPIC, message))).isInstanceOf(MalformedEvent.class)
			.hasMessageContaining("schema");
	}

	@Test
	void rejectsASubjectThatIsNotTheUserOfTheData() {
		JsonNode message = golden(UserCreated.TYPE).deepCopy();
		((tools.jackson.databind.node.ObjectNode) message.get("headers")).put("ce_subject", UUID.randomUUID().toString());

		assertThatThrownBy(() -> UserEvents.fromCloudEvent(receive(UserEvents.TOPIC, message))).isInstanceOf(MalformedEvent.class)
			.hasMessageContaining("subject");
	}

	private static Schema schema(String type) {
		return dev.tandem.events.EventSchemas.schema(type);
	}
}
