package dev.tandem.identity.user;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import dev.tandem.identity.IdentityIntegrationTest;
import dev.tandem.identity.TestUsers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

@IdentityIntegrationTest
class AccountsIntegrationTests {

	@Autowired
	WebTestClient http;

	@Autowired
	DatabaseClient database;

	@Autowired
	Users usersTable;

	TestUsers users;

	@BeforeEach
	void setUp() {
		users = new TestUsers(http);
	}

	@Test
	void showsUsersTheirOwnAccount() {
		String name = TestUsers.unique("alice");
		UUID id = users.register(name);

		http.get().uri("/api/users/me").headers(bearer(users.accessToken(name))).exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.id").isEqualTo(id.toString())
			.jsonPath("$.username").isEqualTo(name)
			.jsonPath("$.password").doesNotExist()
			.jsonPath("$.passwordHash").doesNotExist();
	}

	@Test
	void refusesTheAccountApiWithoutAToken() {
		http.get().uri("/api/users/me").exchange()
			.expectStatus().isUnauthorized()
			.expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
	}

	@Test
	void refusesATamperedToken() {
		String name = TestUsers.unique("mallory");
		users.register(name);
		String token = users.accessToken(name);
		String[] parts = token.split("\\.");
		String forged = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();

		http.get().uri("/api/users/me").headers(bearer(forged)).exchange()
			.expectStatus().isUnauthorized()
			.expectHeader().value(HttpHeaders.WWW_AUTHENTICATE, value -> assertThat(value).contains("invalid_token"));
	}

	@Test
	void changingTheOwnEmailWritesUserUpdatedAndAdvancesTheVersion() {
		String name = TestUsers.unique("bob");
		UUID id = users.register(name);

		http.patch().uri("/api/users/me").headers(bearer(users.accessToken(name)))
			.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("email", name + "@new.example", "firstName", "Bobby"))
			.exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.email").isEqualTo(name + "@new.example")
			.jsonPath("$.version").isEqualTo(2);

		List<Map<String, Object>> events = events(id);
		assertThat(events).extracting(event -> event.get("event_type"))
			.containsExactly("dev.tandem.identity.user.created.v1", "dev.tandem.identity.user.updated.v1");
		assertThat((String) events.get(1).get("payload")).contains("\"version\":2")
			.contains("\"email\":\"" + name + "@new.example\"")
			.contains("\"changedFields\":[\"email\",\"firstName\"]");
	}

	@Test
	void changingNothingWritesNoEvent() {
		String name = TestUsers.unique("carl");
		UUID id = users.register(name);

		http.patch().uri("/api/users/me").headers(bearer(users.accessToken(name)))
			.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("firstName", "Test"))
			.exchange()
			.expectStatus().isOk()
			.expectBody().jsonPath("$.version").isEqualTo(1);

		assertThat(events(id)).hasSize(1);
	}

	@Test
	void answersTheVersionAsETagAndAppliesAChangeMadeAgainstIt() {
		String name = TestUsers.unique("cleo");
		users.register(name);
		String token = users.accessToken(name);
		http.get().uri("/api/users/me").headers(bearer(token)).exchange()
			.expectStatus().isOk()
			.expectHeader().valueEquals(HttpHeaders.ETAG, "W/\"1\"");

		http.patch().uri("/api/users/me").headers(bearer(token)).header(HttpHeaders.IF_MATCH, "\"1\"")
			.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("firstName", "Cleo"))
			.exchange()
			.expectStatus().isOk()
			.expectHeader().valueEquals(HttpHeaders.ETAG, "W/\"2\"")
			.expectBody().jsonPath("$.firstName").isEqualTo("Cleo");
	}

	@Test
	void refusesAChangeMadeAgainstAnOlderVersionAndChangesNothing() {
		String name = TestUsers.unique("cyril");
		UUID id = users.register(name);
		String admin = users.adminToken();
		http.patch().uri("/api/users/{id}", id).headers(bearer(admin))
			.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("firstName", "Cyril"))
			.exchange()
			.expectStatus().isOk()
			.expectHeader().valueEquals(HttpHeaders.ETAG, "W/\"2\"");

		// Another admin read version 1, before that change, and would overwrite it.
		http.patch().uri("/api/users/{id}", id).headers(bearer(admin)).header(HttpHeaders.IF_MATCH, "\"1\"")
			.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("firstName", "Cy", "active", false))
			.exchange()
			.expectStatus().isEqualTo(412)
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type").isEqualTo("https://tandem.dev/problems/stale-user")
			.jsonPath("$.title").isEqualTo("User changed meanwhile")
			.jsonPath("$.detail").isEqualTo("The user is at version 2, not \"1\"; read it again and retry.");

		http.get().uri("/api/users/{id}", id).headers(bearer(admin)).exchange()
			.expectStatus().isOk()
			.expectHeader().valueEquals(HttpHeaders.ETAG, "W/\"2\"")
			.expectBody()
			.jsonPath("$.firstName").isEqualTo("Cyril")
			.jsonPath("$.active").isEqualTo(true);
		assertThat(events(id)).hasSize(2);
	}

	@Test
	void refusesAnIfMatchThatNamesNoVersion() {
		String name = TestUsers.unique("cora");
		users.register(name);

		http.patch().uri("/api/users/me").headers(bearer(users.accessToken(name))).header(HttpHeaders.IF_MATCH, "garbage")
			.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("firstName", "Cora"))
			.exchange()
			.expectStatus().isEqualTo(412);
	}

	@Test
	void refusesAnEmailAnotherUserHas() {
		String taken = TestUsers.unique("carol");
		users.register(taken);
		String name = TestUsers.unique("chris");
		UUID id = users.register(name);

		http.patch().uri("/api/users/me").headers(bearer(users.accessToken(name)))
			.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("email", taken.toUpperCase() + "@example.com"))
			.exchange()
			.expectStatus().isEqualTo(409)
			.expectBody().jsonPath("$.type").isEqualTo("https://tandem.dev/problems/email-taken");
		assertThat(events(id)).hasSize(1);
	}

	@Test
	void refusesAnEmailThatIsAnotherUsersUsername() {
		String emailShaped = TestUsers.unique("hal") + "@example.org";
		http.post().uri("/api/users").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("username", emailShaped, "email", TestUsers.unique("hal") + "@example.com", "password",
					TestUsers.PASSWORD))
			.exchange()
			.expectStatus().isCreated();
		String name = TestUsers.unique("ivy");
		UUID id = users.register(name);

		http.patch().uri("/api/users/me").headers(bearer(users.accessToken(name)))
			.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("email", emailShaped))
			.exchange()
			.expectStatus().isEqualTo(409)
			.expectBody().jsonPath("$.type").isEqualTo("https://tandem.dev/problems/email-taken");
		assertThat(events(id)).hasSize(1);
	}

	@Test
	void changesThePasswordAndEndsEverySession() {
		String name = TestUsers.unique("dave");
		users.register(name);
		Map<String, Object> login = users.login(name, TestUsers.PASSWORD);

		http.post().uri("/api/users/me/password").headers(bearer((String) login.get("access_token")))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("currentPassword", TestUsers.PASSWORD, "newPassword", "a brand new passphrase"))
			.exchange()
			.expectStatus().isNoContent();

		users.token(Map.of("grant_type", "password", "username", name, "password", TestUsers.PASSWORD))
			.expectStatus().isBadRequest();
		users.token(Map.of("grant_type", "refresh_token", "refresh_token", (String) login.get("refresh_token")))
			.expectStatus().isBadRequest();
		assertThat(users.login(name, "a brand new passphrase")).containsKey("access_token");
	}

	@Test
	void aLoginThatRacedAPasswordChangeCannotRestoreTheOldPassword() {
		String name = TestUsers.unique("racer");
		UUID id = users.register(name);
		String oldHash = hashOf(id);
		http.post().uri("/api/users/me/password").headers(bearer(users.accessToken(name)))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("currentPassword", TestUsers.PASSWORD, "newPassword", "a brand new passphrase"))
			.exchange()
			.expectStatus().isNoContent();
		String newHash = hashOf(id);

		// What a login that verified the old password just before the change would now try to write.
		Boolean recorded = usersTable.recordLogin(id, java.time.Instant.now(), oldHash, oldHash).block();

		assertThat(recorded).isFalse();
		assertThat(hashOf(id)).isEqualTo(newHash);
	}

	@Test
	void refusesControlCharactersInNamesAsBadInput() {
		String name = TestUsers.unique("nul");
		users.register(name);

		http.patch().uri("/api/users/me").headers(bearer(users.accessToken(name)))
			.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("firstName", "Al\u0000ice"))
			.exchange()
			.expectStatus().isBadRequest()
			.expectBody().jsonPath("$.errors[0].pointer").isEqualTo("/firstName");
	}

	@Test
	void refusesAnUnpairedSurrogateInANameOrEmailAsBadInput() {
		String name = TestUsers.unique("half");
		UUID id = users.register(name);

		http.patch().uri("/api/users/{id}", id).headers(bearer(users.adminToken()))
			.contentType(MediaType.APPLICATION_JSON).bodyValue("{\"lastName\":\"\\ud800\",\"email\":\"a\\udc00@b.example\"}")
			.exchange()
			.expectStatus().isBadRequest()
			.expectBody().jsonPath("$.errors[*].pointer").value(pointers -> assertThat(pointers.toString())
				.contains("/lastName").contains("/email"));
		assertThat(events(id)).hasSize(1);
	}

	@Test
	void refusesANullRoleAsBadInput() {
		String name = TestUsers.unique("roles");
		UUID id = users.register(name);

		http.patch().uri("/api/users/{id}", id).headers(bearer(users.adminToken()))
			.contentType(MediaType.APPLICATION_JSON).bodyValue("{\"roles\":[null]}")
			.exchange()
			.expectStatus().isBadRequest();
	}

	@Test
	void refusesAPasswordChangeWithAWrongCurrentPassword() {
		String name = TestUsers.unique("erin");
		users.register(name);

		http.post().uri("/api/users/me/password").headers(bearer(users.accessToken(name)))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("currentPassword", "not my password", "newPassword", "a brand new passphrase"))
			.exchange()
			.expectStatus().isBadRequest()
			.expectBody().jsonPath("$.errors[0].pointer").isEqualTo("/currentPassword");
	}

	@Test
	void refusesAWeakNewPasswordNamingTheRule() {
		String name = TestUsers.unique("fay");
		users.register(name);

		http.post().uri("/api/users/me/password").headers(bearer(users.accessToken(name)))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("currentPassword", TestUsers.PASSWORD, "newPassword", "1qaz2wsx3edc"))
			.exchange()
			.expectStatus().isBadRequest()
			.expectBody()
			.jsonPath("$.rule").isEqualTo("too-common")
			.jsonPath("$.errors[0].pointer").isEqualTo("/newPassword");
	}

	@Test
	void refusesAWeakPasswordAtRegistration() {
		String name = TestUsers.unique("gus");

		http.post().uri("/api/users").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("username", name, "email", name + "@example.com", "password", name))
			.exchange()
			.expectStatus().isBadRequest()
			.expectBody()
			.jsonPath("$.type").isEqualTo("https://tandem.dev/problems/weak-password")
			.jsonPath("$.rule").isEqualTo("too-short");
		assertThat(database.sql("select count(*) from users where username = :name").bind("name", name)
			.map(row -> row.get(0, Long.class)).one().block()).isZero();
	}

	@Test
	void namesEachSearchParameterThatBreaksItsLimits() {
		http.get().uri("/api/users?page=-1&size=1000").headers(bearer(users.adminToken())).exchange()
			.expectStatus().isBadRequest()
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type").isEqualTo("https://tandem.dev/problems/invalid-request")
			.jsonPath("$.detail").isEqualTo("2 parameters are invalid.")
			.jsonPath("$.errors[?(@.parameter == 'page')].message").isEqualTo("must be greater than or equal to 0")
			.jsonPath("$.errors[?(@.parameter == 'size')].message").isEqualTo("must be less than or equal to 100");
	}

	@Test
	void saysWhatAParameterOfTheWrongTypeShouldHaveBeen() {
		String admin = users.adminToken();
		http.get().uri("/api/users?size=ten").headers(bearer(admin)).exchange()
			.expectStatus().isBadRequest()
			.expectBody()
			.jsonPath("$.type").isEqualTo("https://tandem.dev/problems/invalid-request")
			.jsonPath("$.title").isEqualTo("Invalid request")
			.jsonPath("$.detail")
			.isEqualTo("'ten' is not a valid size: expected a whole number from 1 to 100.")
			.jsonPath("$.errors[0].parameter").isEqualTo("size")
			.jsonPath("$.errors[0].message").isEqualTo("must be a whole number from 1 to 100");
		http.get().uri("/api/users/not-a-uuid").headers(bearer(admin)).exchange()
			.expectStatus().isBadRequest()
			.expectBody().jsonPath("$.detail").isEqualTo("'not-a-uuid' is not a valid id: expected a UUID.");
	}

	@Test
	void letsAnAdminSearchUsersPageByPageInAStableOrder() {
		String prefix = TestUsers.unique("zed");
		for (int i = 0; i < 3; i++) {
			users.register(prefix + i);
		}
		String admin = users.adminToken();

		http.get().uri("/api/users?q={q}&page=0&size=2", prefix.toUpperCase()).headers(bearer(admin)).exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.total").isEqualTo(3)
			.jsonPath("$.items.length()").isEqualTo(2)
			.jsonPath("$.items[0].username").isEqualTo(prefix + "0")
			.jsonPath("$.items[1].username").isEqualTo(prefix + "1");
		http.get().uri("/api/users?q={q}&page=1&size=2", prefix).headers(bearer(admin)).exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.items.length()").isEqualTo(1)
			.jsonPath("$.items[0].username").isEqualTo(prefix + "2");
	}

	@Test
	void refusesAPageSizeBeyondTheLimit() {
		http.get().uri("/api/users?size=1000").headers(bearer(users.adminToken())).exchange()
			.expectStatus().isBadRequest()
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
	}

	@Test
	void refusesTheAdminApiToOrdinaryUsers() {
		String name = TestUsers.unique("hank");
		UUID id = users.register(name);
		String token = users.accessToken(name);

		http.get().uri("/api/users").headers(bearer(token)).exchange().expectStatus().isForbidden();
		http.delete().uri("/api/users/{id}", id).headers(bearer(token)).exchange().expectStatus().isForbidden();
		assertThat(events(id)).hasSize(1);
	}

	@Test
	void letsAnAdminDeactivateAndChangeRolesWithAnEvent() {
		String name = TestUsers.unique("ivy");
		UUID id = users.register(name);

		http.patch().uri("/api/users/{id}", id).headers(bearer(users.adminToken()))
			.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("active", false, "roles", List.of("support")))
			.exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.active").isEqualTo(false)
			.jsonPath("$.roles[0]").isEqualTo("support");

		assertThat((String) events(id).get(1).get("payload")).contains("\"active\":false")
			.contains("\"changedFields\":[\"active\"]");
	}

	@Test
	void deletingAUserWritesUserDeletedAndForgetsTheUser() {
		String name = TestUsers.unique("jack");
		UUID id = users.register(name);
		String admin = users.adminToken();

		http.delete().uri("/api/users/{id}", id).headers(bearer(admin)).exchange().expectStatus().isNoContent();

		http.get().uri("/api/users/{id}", id).headers(bearer(admin)).exchange()
			.expectStatus().isNotFound()
			.expectBody().jsonPath("$.type").isEqualTo("https://tandem.dev/problems/user-not-found");
		List<Map<String, Object>> events = events(id);
		assertThat(events).extracting(event -> event.get("event_type")).containsExactly(
				"dev.tandem.identity.user.created.v1", "dev.tandem.identity.user.deleted.v1");
		assertThat((String) events.get(1).get("payload")).contains("\"version\":2");
		users.token(Map.of("grant_type", "password", "username", name, "password", TestUsers.PASSWORD))
			.expectStatus().isBadRequest();
	}

	@Test
	void createdTheFirstAdminOnceFromConfiguration() {
		assertThat(database.sql("select count(*) from users where 'admin' = any(roles)")
			.map(row -> row.get(0, Long.class)).one().block()).isEqualTo(1);
		http.get().uri("/api/users/me").headers(bearer(users.adminToken())).exchange()
			.expectStatus().isOk()
			.expectBody().jsonPath("$.roles[0]").isEqualTo("admin");
	}

	private String hashOf(UUID id) {
		return database.sql("select password_hash from users where id = :id").bind("id", id)
			.map(row -> row.get(0, String.class)).one().block();
	}

	private List<Map<String, Object>> events(UUID userId) {
		return database.sql("select event_type, payload::text as payload from outbox where message_key = :key order by position")
			.bind("key", userId.toString())
			.fetch()
			.all()
			.collectList()
			.block();
	}

	static Consumer<HttpHeaders> bearer(String token) {
		return headers -> headers.setBearerAuth(token);
	}
}
