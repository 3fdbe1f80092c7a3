package dev.tandem.profile.profiles;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.tandem.events.user.UserCreated;
import dev.tandem.events.user.UserUpdated;
import dev.tandem.profile.ProfileIntegrationTest;
import org.junit.jupiter.api.Test;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Result;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

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

	@Autowired
	ConnectionFactory connections;

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
		patchCurrent(userId, patch("{\"bio\": \"Written in between.\"}")).block();

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
				true, Set.of("email"))), Instant.now()).block();

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
			.flatMap(change -> patchCurrent(userId, patch(change)))
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
		patchCurrent(userId, patch("{\"bio\": \"Same.\"}")).block();

		Profile unchanged = patchCurrent(userId, patch("{\"bio\": \"Same.\"}")).block();

		assertThat(unchanged.version()).isEqualTo(2);
		assertThat(eventVersionsOf(userId)).containsExactly(1L, 2L);
	}

	@Test
	void waitsForABatchOfUserEventsThatHoldsTheUsersLockAndThenSeesItsOutcome() throws Exception {
		UUID userId = existingProfile("uma");
		Profile read = profiles.findById(userId).block();
		// A batch of this user's events under way: its transaction holds the user's advisory lock, as the consumer's do.
		Connection batch = Mono.from(connections.create()).block();
		try {
			Mono.from(batch.beginTransaction()).block();
			rows(batch, "select count(pg_advisory_xact_lock(hashtextextended($1, 0)))", userId);

			CompletableFuture<Profile> edit = editing.patch(read, patch("{\"bio\": \"After the batch.\"}"), null).toFuture();

			await().atMost(Duration.ofSeconds(10)).until(() -> sessionsWaitingForAnAdvisoryLock() > 0);
			assertThat(edit).isNotDone();
			// The batch changes what the profile shows, and commits.
			rows(batch, "update profiles set email = 'uma@elsewhere.example', version = version + 1 where user_id = $1::uuid",
					userId);
			Mono.from(batch.commitTransaction()).block();

			Profile changed = edit.get(10, TimeUnit.SECONDS);
			assertThat(changed.version()).isEqualTo(3);
			assertThat(changed.email()).isEqualTo("uma@elsewhere.example");
		}
		finally {
			Mono.from(batch.close()).block();
		}
		Profile stored = profiles.findById(userId).block();
		assertThat(stored.bio()).isEqualTo("After the batch.");
		assertThat(stored.email()).isEqualTo("uma@elsewhere.example");
		assertThat(stored.version()).isEqualTo(3);
	}

	@Test
	void clearsRejectedRegistrationValuesAtTheFirstEditWithoutAnEvent() {
		UUID userId = UUID.randomUUID();
		profiles.createFor(new UserCreated(userId, 1, Instant.now(), "vera", "vera@example.com", "Vera", "", true,
				Map.of("website", "ftp://not.the.web")), Instant.now()).block();
		Profile read = profiles.findById(userId).block();
		assertThat(read.rejectedInitialValues()).isNotEmpty();

		Profile changed = editing.patch(read, patch("{}"), null).block();

		Profile stored = profiles.findById(userId).block();
		assertThat(stored.rejectedInitialValues()).isEmpty();
		assertThat(stored.version()).isEqualTo(changed.version()).isEqualTo(2);
		assertThat(eventVersionsOf(userId)).containsExactly(1L);
	}

	private static void rows(Connection connection, String sql, UUID userId) {
		Flux.from(connection.createStatement(sql).bind("$1", userId.toString())
			.execute()).flatMap(Result::getRowsUpdated).blockLast();
	}

	private long sessionsWaitingForAnAdvisoryLock() {
		return database.sql("""
				select count(*) from pg_stat_activity
				where datname = current_database() and wait_event_type = 'Lock' and wait_event = 'advisory'""")
			.map(row -> row.get(0, Long.class))
			.one()
			.block();
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

	/** A change made to the profile as it is now, without If-Match, as the API makes one. */
	private Mono<Profile> patchCurrent(UUID userId, JsonNode patch) {
		return profiles.findById(userId).flatMap(current -> editing.patch(current, patch, null));
	}
}
