package dev.tandem.identity.user;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.tandem.identity.IdentityIntegrationTest;
import dev.tandem.identity.TestUsers;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

@IdentityIntegrationTest
class RegistrationIntegrationTests {

	@Autowired
	WebTestClient http;

	@Autowired
	DatabaseClient database;

	@Test
	void registersAUserAndNeverShowsThePassword() {
		String name = unique("alice");

		Map<String, Object> body = register(Map.of("username", name, "email", name + "@example.com", "password",
				"correct horse battery staple", "firstName", "Alice", "lastName", "Liddell"))
			.expectStatus().isCreated()
			.expectBody(new org.springframework.core.ParameterizedTypeReference<Map<String, Object>>() {
			})
			.returnResult()
			.getResponseBody();

		assertThat(body).containsEntry("username", name).containsEntry("firstName", "Alice")
			.containsEntry("active", true).containsEntry("version", 1)
			.doesNotContainKeys("password", "passwordHash");
		UUID id = UUID.fromString((String) body.get("id"));
		String hash = database.sql("select password_hash from users where id = :id").bind("id", id)
			.map(row -> row.get(0, String.class)).one().block();
		assertThat(hash).startsWith("{argon2}").doesNotContain("correct horse");
	}

	@Test
	void writesTheUserCreatedEventWithTheUserAndWithoutThePassword() {
		String name = unique("bob");

		register(Map.of("username", name, "email", name + "@example.com", "password", "a secret nobody guesses",
				"profile", Map.of("bio", "Builder"))).expectStatus().isCreated();

		Map<String, Object> event = database.sql("""
				select o.event_type, o.message_key, o.subject, o.payload::text as payload, u.id::text as user_id
				from outbox o join users u on o.message_key = u.id::text where u.username = :name""")
			.bind("name", name)
			.fetch()
			.one()
			.block();
		assertThat(event).containsEntry("event_type", "dev.tandem.identity.user.created.v1");
		assertThat(event.get("message_key")).isEqualTo(event.get("user_id")).isEqualTo(event.get("subject"));
		assertThat((String) event.get("payload")).contains("\"username\":\"" + name + "\"")
			.contains("\"initialProfile\":{\"bio\":\"Builder\"}")
			.doesNotContain("secret").doesNotContain("argon2");
	}

	@Test
	void namesEveryInvalidFieldAndWritesNothing() {
		long usersBefore = count("users");

		register(Map.of("username", "no spaces allowed", "email", "not-an-email", "password", ""))
			.expectStatus().isBadRequest()
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type").isEqualTo("https://tandem.dev/problems/invalid-request")
			.jsonPath("$.errors[*].field").value(fields -> assertThat(fields.toString())
				.contains("username").contains("email").contains("password"))
			.jsonPath("$.errors[?(@.field == 'email')].pointer").isEqualTo("/email");

		assertThat(count("users")).isEqualTo(usersBefore);
	}

	@Test
	void refusesUnpairedSurrogatesInNamesAndEmailAndWritesNothing() {
		long usersBefore = count("users");
		String name = TestUsers.unique("half");

		http.post().uri("/api/users").contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"username\":\"" + name + "\",\"email\":\"" + name + "\\ud800@example.com\","
					+ "\"password\":\"correct horse battery staple\",\"firstName\":\"A\\udc00\"}")
			.exchange()
			.expectStatus().isBadRequest()
			.expectBody()
			.jsonPath("$.errors[*].field").value(fields -> assertThat(fields.toString())
				.contains("email").contains("firstName").doesNotContain("username"));

		assertThat(count("users")).isEqualTo(usersBefore);
	}

	@Test
	void countsAFieldThatBreaksTwoRulesOnceAndRefusesC1ControlCharacters() {
		String name = TestUsers.unique("ctrl");

		http.post().uri("/api/users").contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"username\":\"" + name + "\",\"email\":\"a\\u0001b\",\"password\":\"correct horse battery staple\","
					+ "\"lastName\":\"A\\u0085B\"}")
			.exchange()
			.expectStatus().isBadRequest()
			.expectBody()
			.jsonPath("$.detail").isEqualTo("2 fields are invalid.")
			.jsonPath("$.errors[?(@.field == 'lastName')].message")
			.isEqualTo("must not contain control characters or unpaired surrogates");
	}

	@Test
	void refusesABodyThatNamesAMemberTwiceAndWritesNothing() {
		long usersBefore = count("users");
		String name = TestUsers.unique("twice");

		http.post().uri("/api/users").contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"username\":\"" + name + "\",\"username\":\"" + name + "x\",\"email\":\"" + name
					+ "@example.com\",\"password\":\"correct horse battery staple\"}")
			.exchange()
			.expectStatus().isBadRequest()
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type").isEqualTo("https://tandem.dev/problems/invalid-request")
			.jsonPath("$.detail").isEqualTo("The body is not valid JSON: Duplicate Object property \"username\"");

		assertThat(count("users")).isEqualTo(usersBefore);
	}

	@Test
	void rejectsABodyThatIsNotJsonAsAProblem() {
		http.post().uri("/api/users").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"username\": ")
			.exchange()
			.expectStatus().isBadRequest()
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type").isEqualTo("https://tandem.dev/problems/invalid-request")
			.jsonPath("$.title").isEqualTo("Invalid request")
			.jsonPath("$.detail").value(detail -> assertThat((String) detail)
				.startsWith("The body is not valid JSON: Unexpected end-of-input")
				.doesNotContain("Source"));
	}

	@Test
	void saysWhichValueOfABodyIsOfTheWrongTypeWithoutNamingJavaTypes() {
		http.post().uri("/api/users").contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"username\":\"typed\",\"email\":\"typed@example.com\",\"password\":\"a long password\","
					+ "\"profile\":[1]}")
			.exchange()
			.expectStatus().isBadRequest()
			.expectBody()
			.jsonPath("$.type").isEqualTo("https://tandem.dev/problems/invalid-request")
			.jsonPath("$.detail").isEqualTo("The body's /profile is not of the type it must have.");
		http.post().uri("/api/users").contentType(MediaType.APPLICATION_JSON).bodyValue("[1, 2]")
			.exchange()
			.expectStatus().isBadRequest()
			.expectBody()
			.jsonPath("$.detail").isEqualTo("The body is not a JSON value of the shape this request takes.");
	}

	@Test
	void rejectsATakenUsernameWhateverItsCase() {
		String name = unique("carol");
		register(Map.of("username", name, "email", name + "@example.com", "password", "long enough password"))
			.expectStatus().isCreated();

		register(Map.of("username", name.toUpperCase(), "email", "other-" + name + "@example.com", "password",
				"long enough password"))
			.expectStatus().isEqualTo(HttpStatus.CONFLICT)
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody().jsonPath("$.type").isEqualTo("https://tandem.dev/problems/username-taken");

		assertThat(eventsFor(name)).isEqualTo(1);
	}

	@Test
	void rejectsATakenEmailWhateverItsCase() {
		String name = unique("dave");
		register(Map.of("username", name, "email", name + "@example.com", "password", "long enough password"))
			.expectStatus().isCreated();

		register(Map.of("username", "other" + name, "email", name.toUpperCase() + "@EXAMPLE.COM", "password",
				"long enough password"))
			.expectStatus().isEqualTo(HttpStatus.CONFLICT)
			.expectBody().jsonPath("$.type").isEqualTo("https://tandem.dev/problems/email-taken");
	}

	@Test
	void refusesAUsernameThatIsSomeonesEmailAndAnEmailThatIsSomeonesUsername() {
		String name = unique("fay");
		String emailShaped = name + "@example.org";
		register(Map.of("username", emailShaped, "email", name + "@example.com", "password", "long enough password"))
			.expectStatus().isCreated();

		register(Map.of("username", unique("mallory"), "email", emailShaped.toUpperCase(), "password",
				"long enough password"))
			.expectStatus().isEqualTo(HttpStatus.CONFLICT)
			.expectBody().jsonPath("$.type").isEqualTo("https://tandem.dev/problems/email-taken");
		register(Map.of("username", name + "@example.com", "email", unique("mallory") + "@example.com", "password",
				"long enough password"))
			.expectStatus().isEqualTo(HttpStatus.CONFLICT)
			.expectBody().jsonPath("$.type").isEqualTo("https://tandem.dev/problems/username-taken");
		// One's own username and email may be the same.
		String same = unique("gil") + "@example.com";
		register(Map.of("username", same, "email", same, "password", "long enough password"))
			.expectStatus().isCreated();
	}

	@Test
	void concurrentRegistrationsOfOneUsernameCreateOneUser() throws Exception {
		String name = unique("erin");
		ExecutorService pool = Executors.newFixedThreadPool(8);
		List<Callable<Integer>> attempts = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			String email = name + i + "@example.com";
			attempts.add(() -> register(Map.of("username", name, "email", email, "password", "long enough password"))
				.returnResult(String.class).getStatus().value());
		}
		List<Integer> statuses = new ArrayList<>();
		for (Future<Integer> status : pool.invokeAll(attempts)) {
			statuses.add(status.get());
		}
		pool.shutdown();

		assertThat(statuses).containsOnly(201, 409).filteredOn(status -> status == 201).hasSize(1);
		assertThat(database.sql("select count(*) from users where username = :name").bind("name", name)
			.map(row -> row.get(0, Long.class)).one().block()).isEqualTo(1);
		assertThat(eventsFor(name)).isEqualTo(1);
	}

	private WebTestClient.ResponseSpec register(Map<String, Object> body) {
		return http.post().uri("/api/users").contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
	}

	private long count(String table) {
		return database.sql("select count(*) from " + table).map(row -> row.get(0, Long.class)).one().block();
	}

	private long eventsFor(String username) {
		return database.sql("select count(*) from outbox where payload::jsonb ->> 'username' ilike :name")
			.bind("name", username)
			.map(row -> row.get(0, Long.class))
			.one()
			.block();
	}

	static String unique(String name) {
		return name + UUID.randomUUID().toString().substring(0, 8);
	}
}
