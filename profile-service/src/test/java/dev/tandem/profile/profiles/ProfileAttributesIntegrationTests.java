package dev.tandem.profile.profiles;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

import dev.tandem.events.user.UserCreated;
import dev.tandem.events.user.UserUpdated;
import dev.tandem.profile.ProfileIntegrationTest;
import dev.tandem.profile.TestIssuer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Custom fields by JSON Schema, required fields that make a profile incomplete but never stop its creation, and
 * registration values that are taken when valid and listed when not (seed 003's IntegrityError, gone). The default
 * schema of the repository is used: it requires {@code timezone}.
 */
@ProfileIntegrationTest
class ProfileAttributesIntegrationTests {

	private static final MediaType MERGE_PATCH = MediaType.parseMediaType("application/merge-patch+json");

	@Autowired
	WebTestClient http;

	@Autowired
	Profiles profiles;

	@Test
	void servesTheSchemaOfTheCustomFieldsWithoutAToken() {
		http.get().uri("/api/profiles/schema").exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.$schema").isEqualTo("https://json-schema.org/draft/2020-12/schema")
			.jsonPath("$.properties.discord_id.type").isEqualTo("string")
			.jsonPath("$.required[0]").isEqualTo("timezone");
	}

	@Test
	void reportsAProfileWithoutARequiredFieldAsIncompleteUntilItIsGiven() {
		UUID userId = created("hatta", null);

		me(userId).expectStatus().isOk().expectBody()
			.jsonPath("$.complete").isEqualTo(false)
			.jsonPath("$.missingFields[0]").isEqualTo("/attributes/timezone");

		patchMe(userId, "{\"attributes\": {\"timezone\": \"Europe/Berlin\", \"discord_id\": \"hatta_01\"}}")
			.expectStatus().isOk().expectBody()
			.jsonPath("$.complete").isEqualTo(true)
			.jsonPath("$.missingFields").isEmpty()
			.jsonPath("$.attributes.timezone").isEqualTo("Europe/Berlin")
			.jsonPath("$.attributes.discord_id").isEqualTo("hatta_01");
	}

	@Test
	void mergesAttributesMemberByMemberWhereNullRemovesOne() {
		UUID userId = created("haigha", null);
		patchMe(userId, "{\"attributes\": {\"timezone\": \"Europe/Paris\", \"pronouns\": \"he/him\"}}")
			.expectStatus().isOk();

		patchMe(userId, "{\"attributes\": {\"pronouns\": null, \"zoom_id\": \"1234567890\"}}")
			.expectStatus().isOk().expectBody()
			.jsonPath("$.attributes.timezone").isEqualTo("Europe/Paris")
			.jsonPath("$.attributes.zoom_id").isEqualTo("1234567890")
			.jsonPath("$.attributes.pronouns").doesNotExist();
	}

	@Test
	void letsAnUpdateLeaveTheProfileIncompleteButNeverStoreAnInvalidValue() {
		UUID userId = created("dormouse", null);
		patchMe(userId, "{\"attributes\": {\"timezone\": \"Europe/London\"}}").expectStatus().isOk();

		patchMe(userId, """
				{"attributes": {"discord_id": "Not Valid!", "zoom_id": 12, "shoe_size": 42, "languages": ["en", "en"]}}""")
			.expectStatus().isBadRequest()
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.errors[*].pointer").value(pointers -> assertThat((List<Object>) pointers)
				.containsExactlyInAnyOrder("/attributes/discord_id", "/attributes/zoom_id", "/attributes/shoe_size",
						"/attributes/languages"));
		assertThat(profiles.findById(userId).block().attributes().propertyNames()).containsExactly("timezone");

		patchMe(userId, "{\"attributes\": {\"timezone\": null}}").expectStatus().isOk().expectBody()
			.jsonPath("$.complete").isEqualTo(false);
	}

	@Test
	void createsTheProfileWithTheValidRegistrationValuesAndListsTheOthers() {
		UUID userId = created("tweedledum", Map.of("bio", "Contrariwise.", "website", "ftp://tweedle.example",
				"shoeSize", "42", "attributes", Map.of("timezone", "Europe/London", "zoom_id", "not-a-number")));

		me(userId).expectStatus().isOk().expectBody()
			.jsonPath("$.bio").isEqualTo("Contrariwise.")
			.jsonPath("$.website").doesNotExist()
			.jsonPath("$.attributes.timezone").isEqualTo("Europe/London")
			.jsonPath("$.attributes.zoom_id").doesNotExist()
			.jsonPath("$.complete").isEqualTo(true)
			.jsonPath("$.rejectedInitialValues[*].pointer").value(pointers -> assertThat((List<Object>) pointers)
				.containsExactlyInAnyOrder("/website", "/shoeSize", "/attributes/zoom_id"));
	}

	@Test
	void createsTheProfileEvenWhenEveryRegistrationValueIsInvalid() {
		UUID userId = created("tweedledee", Map.of("attributes", "not an object", "birthdate", "2999-01-01"));

		Profile profile = profiles.findById(userId).block();

		assertThat(profile).isNotNull();
		assertThat(profile.rejectedInitialValues()).extracting(InvalidProfile.FieldProblem::pointer)
			.containsExactlyInAnyOrder("/attributes", "/birthdate");
	}

	@Test
	void fillsRegistrationValuesIntoAProfileCreatedBeforeItsEventWithoutOverwritingEdits() {
		UUID userId = UUID.randomUUID();
		// A first read created the profile from identity-service's facts before UserCreated arrived.
		profiles.applyAll(List.of(new UserUpdated(userId, 1, Instant.now(), "march", "march@example.com", "March",
				"Hare", true, Set.of())), Instant.now()).block();
		patchMe(userId, "{\"bio\": \"Have some wine.\"}").expectStatus().isOk();

		profiles.createFor(new UserCreated(userId, 1, Instant.now(), "march", "march@example.com", "March", "Hare", true,
				Map.of("bio", "Registration bio", "location", "Tea party", "displayName", "The March Hare",
						"attributes", Map.of("timezone", "Europe/London"))), Instant.now())
			.block();

		Profile profile = profiles.findById(userId).block();
		assertThat(profile.displayName()).as("the name-made one gives way").isEqualTo("The March Hare");
		assertThat(profile.bio()).isEqualTo("Have some wine.");
		assertThat(profile.location()).isEqualTo("Tea party");
		assertThat(profile.attributes().path("timezone").asString()).isEqualTo("Europe/London");
	}

	@Test
	void keepsTheVersionWhenAUserCreatedWithoutValuesFollowsAFirstRead() {
		UUID userId = UUID.randomUUID();
		profiles.applyAll(List.of(new UserUpdated(userId, 1, Instant.now(), "lory", "lory@example.com", "", "", true,
				Set.of())), Instant.now()).block();

		profiles.createFor(userCreated(userId, "lory", null), Instant.now()).block();

		assertThat(profiles.findById(userId).block().version()).isEqualTo(1);
	}

	@Test
	void keepsRegistrationValuesTheDatabaseCouldNotStoreOutAndStillCreatesTheProfile() {
		UUID userId = created("nul", Map.of("shoe\u0000size", "42", "bio", "Lone \ud800 surrogate", "attributes",
				Map.of("time\u0000zone", "Europe/London", "pronouns", "they/them")));

		Profile profile = profiles.findById(userId).block();

		assertThat(profile.bio()).isNull();
		assertThat(profile.attributes().path("pronouns").asString()).isEqualTo("they/them");
		assertThat(profile.rejectedInitialValues()).extracting(InvalidProfile.FieldProblem::pointer)
			.containsExactlyInAnyOrder("/shoe\uFFFDsize", "/bio", "/attributes/time\uFFFDzone");
	}

	@Test
	void makesADisplayNameOfLongNamesThatFitsTheProfile() {
		UUID userId = UUID.randomUUID();
		profiles.createFor(new UserCreated(userId, 1, Instant.now(), "longnames", "longnames@example.com",
				"F".repeat(150), "L".repeat(150), true, null), Instant.now()).block();

		assertThat(profiles.findById(userId).block().displayName()).hasSize(150);
	}

	@Test
	void letsAdminsFindIncompleteProfiles() {
		String prefix = "qn" + UUID.randomUUID().toString().substring(0, 6);
		UUID incomplete = created(prefix + "red", null);
		UUID complete = created(prefix + "white", Map.of("attributes", Map.of("timezone", "Europe/London")));

		http.get().uri("/api/profiles?q={q}&incomplete=true", prefix)
			.headers(bearer(TestIssuer.userToken(UUID.randomUUID(), "admin")))
			.exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.total").isEqualTo(1)
			.jsonPath("$.items[0].userId").isEqualTo(incomplete.toString());
		http.get().uri("/api/profiles?q={q}", prefix)
			.headers(bearer(TestIssuer.userToken(UUID.randomUUID(), "admin")))
			.exchange()
			.expectBody()
			.jsonPath("$.total").isEqualTo(2)
			.jsonPath("$.items[*].userId").value(ids -> assertThat((List<Object>) ids)
				.containsExactlyInAnyOrder(incomplete.toString(), complete.toString()));
	}

	@Test
	void showsOthersOnlyThePublicAttributes() {
		UUID userId = created("cheshire", Map.of("attributes",
				Map.of("timezone", "Europe/London", "pronouns", "it", "zoom_id", "1234567890")));

		http.get().uri("/api/profiles/{id}", userId).headers(bearer(TestIssuer.userToken(UUID.randomUUID())))
			.exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.attributes.pronouns").isEqualTo("it")
			.jsonPath("$.attributes.timezone").isEqualTo("Europe/London")
			.jsonPath("$.attributes.zoom_id").doesNotExist()
			.jsonPath("$.complete").doesNotExist()
			.jsonPath("$.missingFields").doesNotExist();
	}

	private UUID created(String username, Map<String, Object> initialProfile) {
		UUID userId = UUID.randomUUID();
		profiles.createFor(userCreated(userId, username, initialProfile), Instant.now()).block();
		return userId;
	}

	private static UserCreated userCreated(UUID userId, String username, Map<String, Object> initialProfile) {
		return new UserCreated(userId, 1, Instant.now(), username, username + "@example.com", "", "", true,
				initialProfile);
	}

	private WebTestClient.ResponseSpec me(UUID userId) {
		return http.get().uri("/api/profiles/me").headers(bearer(TestIssuer.userToken(userId))).exchange();
	}

	private WebTestClient.ResponseSpec patchMe(UUID userId, String patch) {
		return http.patch().uri("/api/profiles/me").headers(bearer(TestIssuer.userToken(userId)))
			.contentType(MERGE_PATCH).bodyValue(patch).exchange();
	}

	private static Consumer<HttpHeaders> bearer(String token) {
		return headers -> headers.setBearerAuth(token);
	}
}
