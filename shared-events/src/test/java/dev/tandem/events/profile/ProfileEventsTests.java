package dev.tandem.events.profile;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import com.networknt.schema.Error;
import dev.tandem.events.EventSchemas;
import dev.tandem.events.MalformedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static dev.tandem.events.GoldenMessages.golden;
import static dev.tandem.events.GoldenMessages.receive;
import static dev.tandem.events.GoldenMessages.send;
import static dev.tandem.events.GoldenMessages.textMap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The profile events contract: records, CloudEvents binary-mode messages, golden samples and JSON Schemas agree.
 */
class ProfileEventsTests {

	private static final UUID ALICE = UUID.fromString("0b5f3f9e-6a43-4c47-9d8e-2a1b7c3d4e5f");

	static Stream<Arguments> goldenSamples() {
		return Stream.of(
				Arguments.of(UUID.fromString("3c1f4e2a-8b7d-4f6e-9a5c-1d2e3f4a5b6c"),
						new ProfileUpdated(ALICE, 4, Instant.parse("2026-11-22T10:05:00.250Z"), "alice",
								"alice@wonderland.example", "Alice Liddell", "Curiouser and curiouser.",
								LocalDate.parse("1852-05-04").plusYears(100), null, "https://wonderland.example", null,
								"Oxford", Map.of("timezone", "Europe/London", "languages", List.of("en", "fr")), true,
								false, Set.of("website", "displayName"))),
				Arguments.of(UUID.fromString("4d2e5f3b-9c8e-4a7f-8b6d-2e3f4a5b6c7d"),
						new ProfileDeleted(ALICE, 5, Instant.parse("2026-11-23T08:15:31Z"))));
	}

	@ParameterizedTest
	@MethodSource("goldenSamples")
	void serialisesToTheGoldenMessage(UUID eventId, ProfileEvent event) {
		JsonNode golden = golden(ProfileEvents.typeOf(event));

		JsonNode sent = send(ProfileEvents.TOPIC, ProfileEvents.toCloudEvent(eventId, event));

		assertThat(textMap(sent.get("headers"))).isEqualTo(textMap(golden.get("headers")));
		assertThat(sent.get("value")).isEqualTo(golden.get("value"));
	}

	@ParameterizedTest
	@MethodSource("goldenSamples")
	void deserialisesFromTheGoldenMessage(UUID eventId, ProfileEvent expected) {
		var received = receive(ProfileEvents.TOPIC, golden(ProfileEvents.typeOf(expected)));

		assertThat(received.getId()).isEqualTo(eventId.toString());
		assertThat(ProfileEvents.fromCloudEvent(received)).isEqualTo(expected);
	}

	@ParameterizedTest
	@MethodSource("goldenSamples")
	void goldenMessageConformsToItsSchema(UUID eventId, ProfileEvent event) {
		String type = ProfileEvents.typeOf(event);

		assertThat(EventSchemas.schema(type).validate(golden(type).get("value"))).isEmpty();
	}

	@Test
	void schemaRejectsAnUpdateWithoutItsAttributes() {
		ObjectNode value = (ObjectNode) golden(ProfileUpdated.TYPE).get("value").deepCopy();
		value.remove("attributes");

		List<Error> errors = EventSchemas.schema(ProfileUpdated.TYPE).validate(value);

		assertThat(errors).extracting(Error::getMessage).anyMatch(message -> message.contains("attributes"));
	}

	@Test
	void rejectsAChangedFieldTheContractDoesNotName() {
		JsonNode message = golden(ProfileUpdated.TYPE).deepCopy();
		((ObjectNode) message.get("value")).putArray("changedFields").add("password");

		assertThatThrownBy(() -> ProfileEvents.fromCloudEvent(receive(ProfileEvents.TOPIC, message)))
			.isInstanceOf(MalformedEvent.class);
	}

	@Test
	void rejectsASubjectThatIsNotTheProfileOfTheData() {
		JsonNode message = golden(ProfileDeleted.TYPE).deepCopy();
		((ObjectNode) message.get("headers")).put("ce_subject", UUID.randomUUID().toString());

		assertThatThrownBy(() -> ProfileEvents.fromCloudEvent(receive(ProfileEvents.TOPIC, message)))
			.isInstanceOf(MalformedEvent.class)
			.hasMessageContaining("subject");
	}
}
