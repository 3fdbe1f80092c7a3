package dev.tandem.identity.bulk;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.tandem.identity.IdentityIntegrationTest;
import dev.tandem.identity.TestUsers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

@IdentityIntegrationTest
class UserImportIntegrationTests {

	/** Django's hash of "correct horse battery staple", as Django 4 would store it. */
	static final String DJANGO_HASH = "pbkdf2_sha256$120000$tandemsalt1234$c06pyVIuO69kYisk7HOjYdB7MkqJSS6tMnIHZRMQSXM=";

	private static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson");

	@Autowired
	WebTestClient http;

	@Autowired
	DatabaseClient database;

	TestUsers users;

	@BeforeEach
	void setUp() {
		users = new TestUsers(http);
	}

	@Test
	void importsUsersWithTheirEventsAndReportsEveryLineNotImported() {
		String existing = TestUsers.unique("taken");
		users.register(existing);
		String django = TestUsers.unique("djangouser");
		String noPassword = TestUsers.unique("nopassword");
		String ndjson = String.join("\n",
				"{\"username\":\"" + django + "\",\"email\":\"" + django + "@example.com\",\"firstName\":\"Dj\","
						+ "\"passwordHash\":\"" + DJANGO_HASH + "\",\"profile\":{\"bio\":\"imported\"}}",
				"{\"username\":\"" + noPassword + "\",\"email\":\"" + noPassword + "@example.com\",\"active\":false}",
				"",
				"{\"username\":\"" + existing + "\",\"email\":\"another-" + existing + "@example.com\"}",
				"{\"username\":\"" + noPassword.toUpperCase() + "\",\"email\":\"x-" + noPassword + "@example.com\"}",
				"{\"username\":\"bad email\",\"email\":\"nope\"}",
				"{not json",
				"{\"username\":\"weird\",\"email\":\"weird@example.com\",\"passwordHash\":\"md5$abc\"}") + "\n";

		Map<String, Object> report = importNdjson(ndjson, users.adminToken());

		assertThat(report).containsEntry("lines", 7).containsEntry("created", 2).containsEntry("skipped", 2)
			.containsEntry("rejected", 3).containsEntry("problemsTruncated", false);
		assertThat((List<Map<String, Object>>) report.get("problems")).extracting(problem -> problem.get("line"),
				problem -> problem.get("outcome"))
			.containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(4, "skipped"),
					org.assertj.core.groups.Tuple.tuple(5, "skipped"), org.assertj.core.groups.Tuple.tuple(6, "rejected"),
					org.assertj.core.groups.Tuple.tuple(7, "rejected"), org.assertj.core.groups.Tuple.tuple(8, "rejected"));
		assertThat(createdEventsFor(django)).singleElement().satisfies(payload -> assertThat(payload)
			.contains("\"initialProfile\":{\"bio\":\"imported\"}").doesNotContain("pbkdf2"));
		assertThat(createdEventsFor(noPassword)).hasSize(1);
	}

	@Test
	void rejectsLinesThatWouldOtherwiseFailTheWholeImport() {
		String prefix = TestUsers.unique("odd");
		String ndjson = String.join("\n",
				"null",
				"{\"username\":\"" + prefix + "a\",\"email\":\"" + prefix + "a@example.com\",\"profile\":{\"bio\":null}}",
				"{\"username\":\"" + prefix + "b\",\"email\":\"" + prefix + "b@example.com\",\"firstName\":\"A\\u0000B\"}",
				"{\"username\":\"" + prefix + "c\",\"email\":\"" + prefix + "c@example.com\",\"dateJoined\":\"+99999-01-01T00:00:00Z\"}",
				// An unpaired surrogate, which the driver would store as "?"; then two halves of a pair in two fields.
				"{\"username\":\"" + prefix + "e\",\"email\":\"" + prefix + "e@example.com\",\"lastName\":\"A\\ud800\"}",
				"{\"username\":\"" + prefix + "f\",\"email\":\"" + prefix + "f@example.com\",\"firstName\":\"A\\ud83d\","
						+ "\"lastName\":\"\\ude00B\"}",
				// Text the database refuses, in a hash.
				"{\"username\":\"" + prefix + "g\",\"email\":\"" + prefix + "g@example.com\",\"passwordHash\":\"{bcrypt}\\u0000\"}",
				"{\"username\":\"" + prefix + "h\",\"email\":\"" + prefix + "h@example.com\",\"passwordHash\":"
						+ "\"pbkdf2_sha256$1000$salt\\u0000$c06pyVIuO69k=\"}",
				"{\"username\":\"" + prefix + "d\",\"email\":\"" + prefix + "d@example.com\"}") + "\n";

		Map<String, Object> report = importNdjson(ndjson, users.adminToken());

		assertThat(report).containsEntry("lines", 9).containsEntry("created", 1).containsEntry("rejected", 8);
	}

	@Test
	void rejectsImportedHashesThatWouldMakeALoginCostTooMuchOrFail() {
		String prefix = TestUsers.unique("costly");
		String salt = "abcdefghijklmnopqrstuv";
		String ndjson = String.join("\n",
				hashLine(prefix + "a", "{bcrypt}$2a$31$" + "N".repeat(53)),
				hashLine(prefix + "b", "{bcrypt}$2a$03$" + "N".repeat(53)),
				hashLine(prefix + "c", "{argon2}$argon2id$v=19$m=262144,t=3,p=1$" + salt + "$" + salt + salt),
				hashLine(prefix + "d", "{pbkdf2@SpringSecurity_v5_8}zz"),
				hashLine(prefix + "e", "{noop}secret"),
				hashLine(prefix + "f", "{bcrypt}" + new BCryptPasswordEncoder(4).encode(TestUsers.PASSWORD))) + "\n";

		Map<String, Object> report = importNdjson(ndjson, users.adminToken());

		assertThat(report).containsEntry("lines", 6).containsEntry("created", 1).containsEntry("rejected", 5);
		assertThat((List<Map<String, Object>>) report.get("problems")).extracting(problem -> problem.get("reason"))
			.allSatisfy(reason -> assertThat((String) reason).startsWith("passwordHash must be"));
		users.login(prefix + "f", TestUsers.PASSWORD);
	}

	private static String hashLine(String username, String hash) {
		return "{\"username\":\"" + username + "\",\"email\":\"" + username + "@example.com\",\"passwordHash\":\""
				+ hash + "\"}";
	}

	@Test
	void rejectsAnOverlongLineAndImportsTheLinesAroundIt() {
		String prefix = TestUsers.unique("long");
		String overlong = "{\"username\":\"" + prefix + "x\",\"email\":\"" + prefix + "x@example.com\",\"lastName\":\""
				+ "a".repeat(70_000) + "\"}";
		String ndjson = String.join("\n",
				"{\"username\":\"" + prefix + "a\",\"email\":\"" + prefix + "a@example.com\"}", overlong,
				"{\"username\":\"" + prefix + "b\",\"email\":\"" + prefix + "b@example.com\"}", overlong);

		Map<String, Object> report = importNdjson(ndjson, users.adminToken());

		assertThat(report).containsEntry("lines", 4).containsEntry("created", 2).containsEntry("rejected", 2);
		assertThat((List<Map<String, Object>>) report.get("problems")).extracting(problem -> problem.get("line"))
			.containsExactly(2, 4);
		assertThat((List<Map<String, Object>>) report.get("problems")).extracting(problem -> problem.get("reason"))
			.containsOnly("the line is longer than the 64 KiB a line may have");
	}

	@Test
	void aLineSkippedForItsEmailDoesNotTakeItsUsername() {
		String prefix = TestUsers.unique("claim");
		String ndjson = String.join("\n",
				"{\"username\":\"" + prefix + "first\",\"email\":\"" + prefix + "@example.com\"}",
				"{\"username\":\"" + prefix + "bob\",\"email\":\"" + prefix + "@example.com\"}",
				"{\"username\":\"" + prefix + "bob\",\"email\":\"" + prefix + "bob@example.com\"}") + "\n";

		Map<String, Object> report = importNdjson(ndjson, users.adminToken());

		assertThat(report).containsEntry("created", 2).containsEntry("skipped", 1);
	}

	@Test
	void neverBringsBackTheIdOfADeletedUser() {
		String name = TestUsers.unique("lazarus");
		UUID id = users.register(name);
		http.delete().uri("/api/users/{id}", id).headers(bearer(users.adminToken())).exchange().expectStatus().isNoContent();

		Map<String, Object> report = importNdjson("{\"id\":\"" + id + "\",\"username\":\"" + name
				+ "\",\"email\":\"" + name + "@example.com\"}\n", users.adminToken());

		assertThat(report).containsEntry("created", 0).containsEntry("skipped", 1);
	}

	@Test
	void aDjangoUserLogsInWithTheOldPasswordAndIsRehashed() {
		String django = TestUsers.unique("alice");
		importNdjson("{\"username\":\"" + django + "\",\"email\":\"" + django + "@example.com\",\"passwordHash\":\""
				+ DJANGO_HASH + "\"}\n", users.adminToken());

		assertThat(users.login(django, TestUsers.PASSWORD)).containsKey("access_token");

		assertThat(database.sql("select password_hash from users where username = :name").bind("name", django)
			.map(row -> row.get(0, String.class)).one().block()).startsWith("{argon2}");
		assertThat(users.login(django, TestUsers.PASSWORD)).containsKey("access_token");
		users.token(Map.of("grant_type", "password", "username", django, "password", "not the password"))
			.expectStatus().isBadRequest();
	}

	@Test
	void aUserImportedWithoutAPasswordCannotLogIn() {
		String name = TestUsers.unique("nopass");
		importNdjson("{\"username\":\"" + name + "\",\"email\":\"" + name + "@example.com\"}\n", users.adminToken());

		users.token(Map.of("grant_type", "password", "username", name, "password", "anything at all here"))
			.expectStatus().isBadRequest()
			.expectBody().jsonPath("$.error").isEqualTo("invalid_grant");
	}

	@Test
	void importsInBatchesEveryUserWithItsEvent() {
		String prefix = TestUsers.unique("bulk");
		String ndjson = IntStream.range(0, 2500)
			.mapToObj(i -> "{\"username\":\"" + prefix + i + "\",\"email\":\"" + prefix + i + "@example.com\"}")
			.collect(Collectors.joining("\n"));

		Map<String, Object> report = importNdjson(ndjson, users.adminToken());

		assertThat(report).containsEntry("lines", 2500).containsEntry("created", 2500);
		assertThat(database.sql("select count(*) from outbox where event_type = 'dev.tandem.identity.user.created.v1' "
				+ "and payload::jsonb ->> 'username' like :prefix").bind("prefix", prefix + "%")
			.map(row -> row.get(0, Long.class)).one().block()).isEqualTo(2500);
	}

	@Test
	void refusesImportsToNonAdmins() {
		String name = TestUsers.unique("sneaky");
		users.register(name);

		http.post().uri("/api/admin/users/import").headers(h -> h.setBearerAuth(users.accessToken(name)))
			.contentType(NDJSON).bodyValue("{\"username\":\"x" + UUID.randomUUID() + "\",\"email\":\"x@example.com\"}\n")
			.exchange()
			.expectStatus().isForbidden();
	}

	@Test
	void republishesUserCreatedForEveryUserAndCanRunTwice() {
		long usersNow = database.sql("select count(*) from users").map(row -> row.get(0, Long.class)).one().block();
		String admin = users.adminToken();

		for (int run = 0; run < 2; run++) {
			long before = createdEvents();
			Map<String, Object> answer = http.post().uri("/api/admin/events/republish").headers(bearer(admin))
				.exchange()
				.expectStatus().isOk()
				.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
				}).returnResult().getResponseBody();
			assertThat(((Number) answer.get("events")).longValue()).isEqualTo(usersNow);
			assertThat(createdEvents() - before).isEqualTo(usersNow);
		}
	}

	private long createdEvents() {
		return database.sql("select count(*) from outbox where event_type = 'dev.tandem.identity.user.created.v1'")
			.map(row -> row.get(0, Long.class)).one().block();
	}

	private List<String> createdEventsFor(String username) {
		return database.sql("select payload::text from outbox where payload::jsonb ->> 'username' = :name")
			.bind("name", username)
			.map(row -> row.get(0, String.class))
			.all()
			.collectList()
			.block();
	}

	private Map<String, Object> importNdjson(String ndjson, String token) {
		return http.post().uri("/api/admin/users/import").headers(bearer(token)).contentType(NDJSON).bodyValue(ndjson)
			.exchange()
			.expectStatus().isOk()
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			}).returnResult().getResponseBody();
	}

	private static java.util.function.Consumer<HttpHeaders> bearer(String token) {
		return headers -> headers.setBearerAuth(token);
	}
}
