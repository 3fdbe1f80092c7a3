package dev.tandem.profile.profiles;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.tandem.events.user.UserCreated;
import dev.tandem.events.user.UserUpdated;
import dev.tandem.profile.ProfileIntegrationTest;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Changes are made optimistically against the profile as read, and again under the locks when the profile changed in
 * between: none is lost, none is applied to a version it was not checked against, and each writes its event.
 */
@ProfileIntegrationTest
class ProfileEditingIntegrationTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Autowired
	ProfileEditing editing;

	@Autowired
	Profiles profiles;

	@Autowired
	DatabaseClient database;

	@Test
	void writesTheChangeAndItsEventTogether() {
		UUID userId = existingProfile("pia");
		Profile read = profiles.findById(userId).block();

		Profile changed = editing.patch(read, patch("{\"bio\": \"Hello.\"}"), "\"1\"").block();

		assertThat(changed.version()).isEqualTo(2);
		assertThat(profiles.findById(userId).block().bio()).isEqualTo("Hello.");
		assertThat(eventVersionsOf(userId)).containsExactly(1L, 2L);
	}

	@Test
	void appliesAChangeToTheProfileAsItIsWhenItChangedSinceItWasRead() {
		UUID userId = existingProfile("quinn");
		Profile read = profiles.findById(userId).block();
		editing.patch(userId, patch("{\"bio\": \"Written in between.\"}"), null).block();

		Profile changed = editing.patch(read, patch("{\"company\": \"Tandem\"}"), null).block();

		Profile stored = profiles.findById(userId).block();
		assertThat(changed.version()).isEqualTo(3);
		assertThat(stored.version()).isEqualTo(3);
		assertThat(stored.bio()).isEqualTo("Written in between.");
		assertThat(stored.company()).isEqualTo("Tandem");
		assertThat(eventVersionsOf(userId)).containsExactly(1L, 2L, 3L);
	}

	@Test
	void refusesAChangeCheckedAgainstAVersionThatChangedSinceItWasRead() {
		UUID userId = existingProfile("rhea");
		Profile read = profiles.findById(userId).block();
		// A user event that changes what the profile shows advances its version.
		profiles.applyAll(List.of(new UserUpdated(userId, 2, Instant.now(), "rhea", "rhea@elsewhere.example", "Rhea", "",
				true, java.util.Set.of("email"))), Instant.now()).block();

		assertThatExceptionOfType(StaleProfile.class)
			.isThrownBy(() -> editing.patch(read, patch("{\"bio\": \"Too late.\"}"), "\"1\"").block());

		Profile stored = profiles.findById(userId).block();
		assertThat(stored.bio()).isNull();
		assertThat(stored.email()).isEqualTo("rhea@elsewhere.example");
		assertThat(eventVersionsOf(userId)).containsExactly(1L, 2L);
	}

	@Test
	void losesNoneOfManyConcurrentChangesToOneProfile() {
		UUID userId = existingProfile("sage");
		List<String> changes = List.of("{\"bio\": \"b\"}", "{\"company\": \"c\"}", "{\"location\": \"l\"}",
				"{\"website\": \"https://w.example\"}", "{\"displayName\": \"d\"}", "{\"birthdate\": \"2000-01-02\"}",
				"{\"attributes\": {\"pronouns\": \"they/them\"}}", "{\"attributes\": {\"timezone\": \"Europe/Paris\"}}");

		Flux.fromIterable(changes)
			.parallel(changes.size())
			.runOn(Schedulers.parallel())
			.flatMap(change -> editing.patch(userId, patch(change), null))
			.sequential()
			.collectList()
			.block();

		Profile stored = profiles.findById(userId).block();
		assertThat(stored.version()).isEqualTo(1 + changes.size());
		assertThat(stored.bio()).isEqualTo("b");
		assertThat(stored.company()).isEqualTo("c");
		assertThat(stored.location()).isEqualTo("l");
		assertThat(stored.website()).isEqualTo("https://w.example");
		assertThat(stored.displayName()).isEqualTo("d");
		assertThat(stored.birthdate()).hasToString("2000-01-02");
		assertThat(stored.attributes().get("pronouns").asString()).isEqualTo("they/them");
		assertThat(stored.attributes().get("timezone").asString()).isEqualTo("Europe/Paris");
		assertThat(eventVersionsOf(userId)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
	}

	@Test
	void writesNoEventAndKeepsTheVersionForAChangeThatChangesNothing() {
		UUID userId = existingProfile("tess");
		editing.patch(userId, patch("{\"bio\": \"Same.\"}"), null).block();

		Profile unchanged = editing.patch(userId, patch("{\"bio\": \"Same.\"}"), null).block();

		assertThat(unchanged.version()).isEqualTo(2);
		assertThat(eventVersionsOf(userId)).containsExactly(1L, 2L);
	}

	/** The versions of the user's profile events in the outbox, in the order they were written. */
	private List<Long> eventVersionsOf(UUID userId) {
		return database.sql("select (payload ->> 'version')::bigint from outbox where subject = :subject order by position")
			.bind("subject", userId.toString())
			.map(row -> row.get(0, Long.class))
			.all()
			.collectList()
			.block();
	}

	private static JsonNode patch(String json) {
		return JSON.readTree(json);
	}

	private UUID existingProfile(String username) {
		UUID userId = UUID.randomUUID();
		profiles.createFor(new UserCreated(userId, 1, Instant.now(), username, username + "@example.com",
				username.substring(0, 1).toUpperCase() + username.substring(1), "", true, Map.of()), Instant.now())
			.block();
		return userId;
	}
}
