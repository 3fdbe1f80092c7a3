package dev.tandem.profile.profiles;

import java.util.Set;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.DefaultResourceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Registration values and patches against schemas a deployment may well write, with rules about the attributes as a
 * whole and about their names.
 */
class ProfilePatchTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final ProfileSchema EITHER_CONTACT = new ProfileSchema(
			new ProfileSettings("classpath:schemas/either-contact.schema.json", Set.of(), Set.of()),
			new DefaultResourceLoader(), JSON);

	@Test
	void takesNoAttributesWhenTheRestCannotSatisfyARuleAboutThemAllAndStops() {
		ProfilePatch.InitialValues values = ProfilePatch.initialValues(
				JSON.readTree("{\"attributes\": {\"discord_id\": \"NOT VALID\", \"pronouns\": \"she/her\"}}"),
				EITHER_CONTACT);

		assertThat(values.attributes().isEmpty()).isTrue();
		assertThat(values.rejected()).extracting(InvalidProfile.FieldProblem::pointer)
			.contains("/attributes/discord_id", "/attributes/zoom_id");
	}

	@Test
	void pointsAtTheMemberWhoseNameBreaksTheSchema() {
		assertThat(EITHER_CONTACT.problems(JSON.readTree("{\"zoom_id\": \"123456789\", \"Bad Name\": \"x\"}")))
			.extracting(InvalidProfile.FieldProblem::pointer)
			.contains("/attributes/Bad Name");
	}

	@Test
	void refusesToBeCreatedFromAFileThatIsNoJsonSchema() {
		assertThatThrownBy(() -> new ProfileSchema(
				new ProfileSettings("classpath:schemas/not-a-schema.json", Set.of(), Set.of()),
				new DefaultResourceLoader(), JSON))
			.isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("not-a-schema.json");
	}
}
