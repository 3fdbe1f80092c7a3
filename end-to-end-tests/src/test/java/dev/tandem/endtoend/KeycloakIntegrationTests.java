package dev.tandem.endtoend;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.tandem.localstack.KeycloakServer;
import dev.tandem.localstack.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static dev.tandem.endtoend.RunningTandem.JSON;
import static dev.tandem.endtoend.RunningTandem.PASSWORD;
import static dev.tandem.endtoend.RunningTandem.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Keycloak as the identity provider, against a real Keycloak server: users registered through identity-service,
 * users born in Keycloak itself (its admin API standing in for the admin console, brokering or LDAP), changes and
 * deletions made there, the admin operations, Keycloak's tokens, and the compensation of a failed registration.
 */
class KeycloakIntegrationTests {

	private static final String ADMIN_PASSWORD = "root has a long passphrase";

	private static RunningTandem tandem;

	private static KeycloakServer keycloak;

	private static String admin;

	@BeforeAll
	static void startTandem() throws Exception {
		tandem = RunningTandem.startWithKeycloak("keycloak");
		keycloak = tandem.stack().keycloak();
		String rootId = createInKeycloak("root", "root@example.com", ADMIN_PASSWORD);
		HttpResponse<String> role = keycloakAdmin(HttpRequest.newBuilder(URI.create(adminUrl("/roles/admin"))));
		assertThat(keycloakAdmin(HttpRequest.newBuilder(URI.create(adminUrl("/users/" + rootId + "/role-mappings/realm")))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("[" + role.body() + "]"))).statusCode()).isEqualTo(204);
		admin = login("tandem", "root", ADMIN_PASSWORD);
	}

	@AfterAll
	static void stopTandem() throws Exception {
		if (tandem != null) {
			tandem.close();
		}
	}

	@Test
	void registrationCreatesTheKeycloakUserAndExactlyOneProfile() throws Exception {
		String name = "alice" + suffix();

		HttpResponse<String> registered = tandem.register(name);

		assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
		String id = JSON.readTree(registered.body()).get("id").asString();
		JsonNode inKeycloak = JSON.readTree(keycloakAdmin(HttpRequest.newBuilder(URI.create(adminUrl("/users/" + id))))
			.body());
		assertThat(inKeycloak.get("username").asString()).isEqualTo(name);
		JsonNode profile = awaitProfile(id, login("tandem", name, PASSWORD));
		assertThat(profile.get("username").asString()).isEqualTo(name);
		// Syncs run every two seconds meanwhile: none may announce the user a second time.
		await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10)).until(() -> userCreatedEventsOf(id) == 1);
	}

	@Test
	void refusesATakenUsernameAndKeepsOneUserInKeycloak() throws Exception {
		String name = "hatter" + suffix();
		assertThat(tandem.register(name).statusCode()).isEqualTo(201);

		HttpResponse<String> again = send(HttpRequest.newBuilder(URI.create(tandem.identity() + "/api/users"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("username", name, "email",
					name + "@other.example", "password", PASSWORD, "firstName", "Mad", "lastName", "Hatter")))));

		assertThat(again.statusCode()).isEqualTo(409);
		assertThat(JSON.readTree(again.body()).get("type").asString()).endsWith("/username-taken");
		assertThat(keycloakUsersNamed(name)).hasSize(1);
	}

	@Test
	void aUserWithoutAnEmailBornInKeycloakGetsAProfile() throws Exception {
		String name = "cheshire" + suffix();
		HttpResponse<String> created = keycloakAdmin(HttpRequest.newBuilder(URI.create(adminUrl("/users")))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"username\": \"" + name + "\", \"enabled\": true}")));
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		String location = created.headers().firstValue("Location").orElseThrow();
		String id = location.substring(location.lastIndexOf('/') + 1);

		JsonNode profile = awaitProfile(id, admin);

		assertThat(profile.get("username").asString()).isEqualTo(name);
		assertThat(userCreatedEventsOf(id)).isEqualTo(1);
	}

	@Test
	void refusesWhatKeycloakRefusesWithItsReasonAndKeepsNothing() throws Exception {
		String name = "shorty" + suffix();

		HttpResponse<String> refused = send(HttpRequest.newBuilder(URI.create(tandem.identity() + "/api/users"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(
					Map.of("username", name, "email", name + "@example.com", "password", "too short")))));

		assertThat(refused.statusCode()).isEqualTo(400);
		assertThat(JSON.readTree(refused.body()).get("detail").asString()).contains("minimum length 12");
		assertThat(keycloakUsersNamed(name)).isEmpty();
		assertThat(mirroredUsersNamed(name)).isZero();
	}

	@Test
	void aUserCreatedInKeycloakGetsAProfileAfterASync() throws Exception {
		String name = "dodo" + suffix();
		String id = createInKeycloak(name, name + "@example.com", PASSWORD);

		JsonNode report = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
			.until(() -> JSON.readTree(send(HttpRequest
				.newBuilder(URI.create(tandem.identity() + "/api/admin/keycloak/sync"))
				.header("Authorization", "Bearer " + admin)
				.POST(HttpRequest.BodyPublishers.noBody())).body()), found -> found.get("ran").asBoolean());

		assertThat(report.get("users").asLong()).isPositive();
		assertThat(report.get("failed").asLong()).isZero();
		JsonNode profile = awaitProfile(id, admin);
		assertThat(profile.get("username").asString()).isEqualTo(name);
		assertThat(userCreatedEventsOf(id)).as("once, however many syncs ran").isEqualTo(1);
	}

	@Test
	void anEmailChangedInKeycloakReachesTheProfileAndADeletedUserLosesIt() throws Exception {
		String name = "eaglet" + suffix();
		String id = createInKeycloak(name, name + "@example.com", PASSWORD);
		awaitProfile(id, admin);

		assertThat(keycloakAdmin(HttpRequest.newBuilder(URI.create(adminUrl("/users/" + id)))
			.header("Content-Type", "application/json")
			.PUT(HttpRequest.BodyPublishers.ofString("{\"email\": \"" + name + "@new.example\"}"))).statusCode())
			.isEqualTo(204);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> (name + "@new.example").equals(awaitProfile(id, admin).path("email").asString()));

		assertThat(keycloakAdmin(HttpRequest.newBuilder(URI.create(adminUrl("/users/" + id))).DELETE()).statusCode())
			.isEqualTo(204);
		await().atMost(Duration.ofSeconds(30)).until(() -> profilesOf(id) == 0);
	}

	/**
	 * The case is one sync finding both emails swapped, which the mirror's unique email must not refuse. Syncs run
	 * every two seconds here, and one may land between the three changes; then it sees the move to the third email on
	 * its own, and the swap reaches the mirror in two steps. So each attempt is checked for that, and a new pair tried.
	 */
	@Test
	void twoUsersWhoSwappedEmailsInKeycloakKeepTheirProfilesWithTheSwappedEmails() throws Exception {
		for (int attempt = 1;; attempt++) {
			String first = "gryphon" + suffix();
			String second = "turtle" + suffix();
			String firstId = createInKeycloak(first, first + "@example.com", PASSWORD);
			String secondId = createInKeycloak(second, second + "@example.com", PASSWORD);
			awaitProfile(firstId, admin);
			awaitProfile(secondId, admin);

			// Keycloak keeps emails unique too: the swap goes through a third email.
			changeEmailInKeycloak(firstId, first + "@moving.example");
			changeEmailInKeycloak(secondId, first + "@example.com");
			changeEmailInKeycloak(firstId, second + "@example.com");

			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
				.until(() -> (second + "@example.com").equals(awaitProfile(firstId, admin).path("email").asString())
						&& (first + "@example.com").equals(awaitProfile(secondId, admin).path("email").asString()));
			if (eventsMentioning(firstId, first + "@moving.example") == 0) {
				return;
			}
			assertThat(attempt).as("attempts in which a sync saw only part of the swap").isLessThan(3);
		}
	}

	@Test
	void adminOperationsActOnKeycloak() throws Exception {
		String name = "lory" + suffix();
		String id = JSON.readTree(tandem.register(name).body()).get("id").asString();

		HttpResponse<String> changed = send(HttpRequest.newBuilder(URI.create(tandem.identity() + "/api/users/" + id))
			.header("Authorization", "Bearer " + admin)
			.header("Content-Type", "application/json")
			.method("PATCH", HttpRequest.BodyPublishers.ofString(
					"{\"active\": false, \"email\": \"" + name + "@changed.example\"}")));

		assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
		JsonNode inKeycloak = JSON.readTree(keycloakAdmin(HttpRequest.newBuilder(URI.create(adminUrl("/users/" + id))))
			.body());
		assertThat(inKeycloak.get("enabled").asBoolean()).isFalse();
		assertThat(inKeycloak.get("email").asString()).isEqualTo(name + "@changed.example");

		assertThat(send(HttpRequest.newBuilder(URI.create(tandem.identity() + "/api/users/" + id))
			.header("Authorization", "Bearer " + admin)
			.DELETE()).statusCode()).isEqualTo(204);
		assertThat(keycloakAdmin(HttpRequest.newBuilder(URI.create(adminUrl("/users/" + id)))).statusCode())
			.isEqualTo(404);
		await().atMost(Duration.ofSeconds(30)).until(() -> profilesOf(id) == 0);
	}

	@Test
	void profileServiceAcceptsTheRealmsTokensAndRefusesAnotherRealms() throws Exception {
		String name = "gryphon" + suffix();
		String id = JSON.readTree(tandem.register(name).body()).get("id").asString();
		String own = login("tandem", name, PASSWORD);
		createRealm("elsewhere");
		createInKeycloak("elsewhere", name, name + "@example.com", PASSWORD);
		String foreign = login("elsewhere", name, PASSWORD);

		assertThat(me(own).statusCode()).isEqualTo(200);
		// Same client, same audience, same user name: another issuer, signed with another realm's keys.
		HttpResponse<String> refused = me(foreign);
		assertThat(refused.statusCode()).isEqualTo(401);
		assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
				type -> assertThat(type).contains("application/problem+json"));
		assertThat(userCreatedEventsOf(id)).isEqualTo(1);
	}

	@Test
	void removesTheKeycloakUserAgainWhenStoringItHereFails() throws Exception {
		String name = "mallory" + suffix();
		// The mirror already holds the name (a row Keycloak does not know): the database step will fail. Joined
		// "tomorrow", so no sync running meanwhile takes it for a user deleted in Keycloak.
		try (Connection connection = identityDatabase(); PreparedStatement insert = connection.prepareStatement(
				"insert into users (id, username, email, date_joined) values (?, ?, ?, now() + interval '1 day')")) {
			insert.setObject(1, UUID.randomUUID());
			insert.setString(2, name);
			insert.setString(3, name + "@elsewhere.example");
			insert.executeUpdate();
		}

		HttpResponse<String> refused = tandem.register(name);

		assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
		assertThat(keycloakUsersNamed(name)).as("compensated").isEmpty();
	}

	private static HttpResponse<String> me(String token) throws Exception {
		return send(HttpRequest.newBuilder(URI.create(tandem.profile() + "/api/profiles/me"))
			.header("Authorization", "Bearer " + token));
	}

	private static JsonNode awaitProfile(String id, String token) {
		return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
			HttpResponse<String> response = send(HttpRequest
				.newBuilder(URI.create(tandem.profile() + "/api/profiles/" + id))
				.header("Authorization", "Bearer " + token));
			return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
		}, profile -> profile != null);
	}

	private static String login(String realm, String username, String password) throws Exception {
		HttpResponse<String> response = send(HttpRequest
			.newBuilder(URI.create(keycloak.baseUrl() + "/realms/" + realm + "/protocol/openid-connect/token"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("grant_type=password&client_id=tandem-app&username="
					+ URLEncoder.encode(username, StandardCharsets.UTF_8) + "&password="
					+ URLEncoder.encode(password, StandardCharsets.UTF_8))));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return JSON.readTree(response.body()).get("access_token").asString();
	}

	private static String createInKeycloak(String username, String email, String password) throws Exception {
		return createInKeycloak("tandem", username, email, password);
	}

	private static String createInKeycloak(String realm, String username, String email, String password)
			throws Exception {
		HttpResponse<String> created = keycloakAdmin(HttpRequest
			.newBuilder(URI.create(keycloak.baseUrl() + "/admin/realms/" + realm + "/users"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("username", username, "email",
					email, "firstName", "Born", "lastName", "InKeycloak", "enabled", true, "credentials",
					List.of(Map.of("type", "password", "value", password, "temporary", false)))))));
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		String location = created.headers().firstValue("Location").orElseThrow();
		return location.substring(location.lastIndexOf('/') + 1);
	}

	private static void changeEmailInKeycloak(String id, String email) throws Exception {
		HttpResponse<String> changed = keycloakAdmin(HttpRequest.newBuilder(URI.create(adminUrl("/users/" + id)))
			.header("Content-Type", "application/json")
			.PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("email", email)))));
		assertThat(changed.statusCode()).as(changed.body()).isEqualTo(204);
	}

	/** A second realm with the same client and audience as Tandem's: only the issuer tells them apart. */
	private static void createRealm(String realm) throws Exception {
		String representation = JSON.writeValueAsString(Map.of("realm", realm, "enabled", true, "clients", List.of(
				Map.of("clientId", "tandem-app", "publicClient", true, "directAccessGrantsEnabled", true,
						"protocolMappers", List.of(Map.of("name", "tandem audience", "protocol", "openid-connect",
								"protocolMapper", "oidc-audience-mapper", "config", Map.of(
										"included.custom.audience", "tandem", "access.token.claim", "true")))))));
		HttpResponse<String> created = keycloakAdmin(HttpRequest
			.newBuilder(URI.create(keycloak.baseUrl() + "/admin/realms"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(representation)));
		assertThat(created.statusCode()).as(created.body()).isIn(201, 409);
	}

	private static List<JsonNode> keycloakUsersNamed(String username) throws Exception {
		HttpResponse<String> found = keycloakAdmin(HttpRequest.newBuilder(URI.create(adminUrl(
				"/users?exact=true&username=" + URLEncoder.encode(username, StandardCharsets.UTF_8)))));
		return JSON.readerForListOf(JsonNode.class).readValue(found.body());
	}

	private static HttpResponse<String> keycloakAdmin(HttpRequest.Builder request) throws Exception {
		HttpResponse<String> token = send(HttpRequest
			.newBuilder(URI.create(keycloak.baseUrl() + "/realms/master/protocol/openid-connect/token"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("grant_type=password&client_id=admin-cli&username=admin&password=admin")));
		return send(request.header("Authorization", "Bearer " + JSON.readTree(token.body()).get("access_token").asString()));
	}

	private static String adminUrl(String path) {
		return keycloak.baseUrl() + "/admin/realms/" + KeycloakServer.REALM + path;
	}

	private static long profilesOf(String id) throws Exception {
		return count("profile", "select count(*) from profiles where user_id = ?::uuid", id);
	}

	private static long userCreatedEventsOf(String id) throws Exception {
		return count("identity", "select count(*) from outbox where subject = ? and event_type like '%.user.created.v1'",
				id);
	}

	/** How many of a user's events carry {@code text} in their payload: a state of the user some sync saw. */
	private static long eventsMentioning(String id, String text) throws Exception {
		return count("identity", "select count(*) from outbox where subject = ? and strpos(payload::text, ?) > 0", id,
				text);
	}

	private static long mirroredUsersNamed(String username) throws Exception {
		return count("identity", "select count(*) from users where username = ?", username);
	}

	private static long count(String database, String sql, String... parameters) throws Exception {
		PostgresServer.Database db = tandem.stack().postgres().database(database);
		try (Connection connection = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
				PreparedStatement query = connection.prepareStatement(sql)) {
			for (int i = 0; i < parameters.length; i++) {
				query.setString(i + 1, parameters[i]);
			}
			try (ResultSet rows = query.executeQuery()) {
				rows.next();
				return rows.getLong(1);
			}
		}
	}

	private static Connection identityDatabase() throws Exception {
		PostgresServer.Database db = tandem.stack().postgres().database("identity");
		return DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
	}

	private static String suffix() {
		return UUID.randomUUID().toString().substring(0, 8);
	}
}
