package dev.tandem.identity.token;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
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
class TokenEndpointIntegrationTests {

	private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
	};

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
	void issuesAnRs256TokenVerifiableWithThePublishedKey() throws Exception {
		String name = TestUsers.unique("alice");
		UUID id = users.register(name);

		Map<String, Object> response = users.login(name, TestUsers.PASSWORD);

		assertThat(response).containsEntry("token_type", "Bearer").containsKeys("refresh_token", "expires_in");
		SignedJWT jwt = SignedJWT.parse((String) response.get("access_token"));
		assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("RS256");
		RSAKey published = (RSAKey) publishedKeys().getKeyByKeyId(jwt.getHeader().getKeyID());
		assertThat(published).as("the token's kid is published").isNotNull();
		assertThat(jwt.verify(new RSASSAVerifier(published))).isTrue();
		JWTClaimsSet claims = jwt.getJWTClaimsSet();
		assertThat(claims.getSubject()).isEqualTo(id.toString());
		assertThat(claims.getIssuer()).isEqualTo("http://localhost:8081");
		assertThat(claims.getAudience()).containsExactly("tandem");
		assertThat(claims.getStringListClaim("roles")).isEmpty();
		assertThat(claims.getStringClaim("scope")).isEqualTo("profile");
		Duration lifetime = Duration.between(claims.getIssueTime().toInstant(), claims.getExpirationTime().toInstant());
		assertThat(lifetime).isBetween(Duration.ofMinutes(5), Duration.ofMinutes(15));
	}

	@Test
	void acceptsTheEmailInPlaceOfTheUsername() throws Exception {
		String name = TestUsers.unique("bob");
		UUID id = users.register(name);

		Map<String, Object> response = users.login(name.toUpperCase() + "@EXAMPLE.COM", TestUsers.PASSWORD);

		assertThat(SignedJWT.parse((String) response.get("access_token")).getJWTClaimsSet().getSubject())
			.isEqualTo(id.toString());
	}

	@Test
	void answersAnUnknownUserExactlyLikeAWrongPassword() {
		String name = TestUsers.unique("carol");
		users.register(name);

		Map<String, Object> wrongPassword = refusal(Map.of("grant_type", "password", "username", name, "password",
				"not the password at all"));
		Map<String, Object> unknownUser = refusal(Map.of("grant_type", "password", "username",
				TestUsers.unique("nobody"), "password", "not the password at all"));

		assertThat(wrongPassword).containsEntry("error", "invalid_grant").containsEntry("status", 400);
		assertThat(unknownUser).isEqualTo(wrongPassword);
	}

	@Test
	void refusesAnInactiveUserWithTheSameAnswer() {
		String name = TestUsers.unique("dave");
		UUID id = users.register(name);
		database.sql("update users set active = false where id = :id").bind("id", id).then().block();

		assertThat(refusal(Map.of("grant_type", "password", "username", name, "password", TestUsers.PASSWORD)))
			.containsEntry("error", "invalid_grant")
			.containsEntry("error_description", "Invalid username or password.");
	}

	@Test
	void rotatesRefreshTokensAndRevokesTheFamilyWhenAnOldOneIsReused() {
		String name = TestUsers.unique("erin");
		users.register(name);
		String first = (String) users.login(name, TestUsers.PASSWORD).get("refresh_token");

		Map<String, Object> rotated = refresh(first).expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
		String second = (String) rotated.get("refresh_token");
		assertThat(second).isNotEqualTo(first);
		assertThat(rotated).containsKey("access_token");

		// The first token was used: presenting it again means it was copied. Both copies stop working.
		refresh(first).expectStatus().isBadRequest().expectBody().jsonPath("$.error").isEqualTo("invalid_grant");
		refresh(second).expectStatus().isBadRequest().expectBody().jsonPath("$.error").isEqualTo("invalid_grant");
	}

	@Test
	void refusesRefreshOnceTheUserIsDeactivated() {
		String name = TestUsers.unique("frank");
		UUID id = users.register(name);
		String refreshToken = (String) users.login(name, TestUsers.PASSWORD).get("refresh_token");

		http.patch().uri("/api/users/{id}", id).headers(bearer(users.adminToken()))
			.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("active", false))
			.exchange().expectStatus().isOk();

		refresh(refreshToken).expectStatus().isBadRequest().expectBody().jsonPath("$.error").isEqualTo("invalid_grant");
	}

	@Test
	void refusesAConfidentialClientsRefreshTokenWithoutItsCredentials() {
		String name = TestUsers.unique("hugh");
		users.register(name);
		Map<String, Object> login = users.token(Map.of("grant_type", "password", "username", name, "password",
				TestUsers.PASSWORD, "client_id", "mobile-app", "client_secret", "local-profile-service-secret"))
			.expectStatus().isOk()
			.expectBody(JSON).returnResult().getResponseBody();
		String refreshToken = (String) login.get("refresh_token");

		refresh(refreshToken).expectStatus().isBadRequest().expectBody().jsonPath("$.error").isEqualTo("invalid_grant");
		users.token(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken, "client_id", "mobile-app",
				"client_secret", "local-profile-service-secret"))
			.expectStatus().isOk();
	}

	@Test
	void answersALoginWithAControlCharacterAsAnUnknownUser() {
		assertThat(refusal(Map.of("grant_type", "password", "username", "alice\u0000", "password", "whatever it is")))
			.containsEntry("error", "invalid_grant");
	}

	@Test
	void givesALoginThatNamesTwoUsersToTheOneWhoJoinedFirst() throws Exception {
		String victim = TestUsers.unique("kim");
		UUID victimId = users.register(victim);
		// Registration refuses a username that is someone's email; an import does not ask, so it can make one.
		String taker = victim + "@example.com";
		http.post().uri("/api/admin/users/import").headers(headers -> headers.setBearerAuth(users.adminToken()))
			.contentType(MediaType.parseMediaType("application/x-ndjson"))
			.bodyValue("{\"username\":\"" + taker + "\",\"email\":\"" + TestUsers.unique("taker")
					+ "@example.com\",\"passwordHash\":\"{bcrypt}" + new BCryptPasswordEncoder(4).encode("taker's password")
					+ "\"}\n")
			.exchange()
			.expectStatus().isOk()
			.expectBody().jsonPath("$.created").isEqualTo(1);

		Map<String, Object> login = users.login(victim + "@example.com", TestUsers.PASSWORD);

		assertThat(SignedJWT.parse((String) login.get("access_token")).getJWTClaimsSet().getSubject())
			.isEqualTo(victimId.toString());
		assertThat(refusal(Map.of("grant_type", "password", "username", taker, "password", "taker's password")))
			.containsEntry("error", "invalid_grant");
	}

	@Test
	void issuesServiceTokensForClientCredentials() throws Exception {
		Map<String, Object> response = users.token(Map.of("grant_type", "client_credentials", "client_id",
				"profile-service", "client_secret", "local-profile-service-secret"))
			.expectStatus().isOk()
			.expectBody(JSON).returnResult().getResponseBody();

		assertThat(response).containsEntry("scope", "users:read").doesNotContainKey("refresh_token");
		JWTClaimsSet claims = SignedJWT.parse((String) response.get("access_token")).getJWTClaimsSet();
		assertThat(claims.getSubject()).isEqualTo("profile-service");
		assertThat(claims.getStringClaim("scope")).isEqualTo("users:read");
	}

	@Test
	void acceptsClientCredentialsInTheBasicHeader() {
		String basic = Base64.getEncoder().encodeToString("profile-service:local-profile-service-secret".getBytes());

		http.post().uri("/oauth2/token").header(HttpHeaders.AUTHORIZATION, "Basic " + basic)
			.contentType(MediaType.APPLICATION_FORM_URLENCODED).bodyValue("grant_type=client_credentials")
			.exchange()
			.expectStatus().isOk();
	}

	@Test
	void refusesAWrongClientSecretWith401() {
		users.token(Map.of("grant_type", "client_credentials", "client_id", "profile-service", "client_secret", "guess"))
			.expectStatus().isUnauthorized()
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody().jsonPath("$.error").isEqualTo("invalid_client");
	}

	@Test
	void refusesAScopeTheClientMayNotHave() {
		users.token(Map.of("grant_type", "client_credentials", "client_id", "profile-service", "client_secret",
				"local-profile-service-secret", "scope", "users:write"))
			.expectStatus().isBadRequest()
			.expectBody().jsonPath("$.error").isEqualTo("invalid_scope");
	}

	@Test
	void refusesAFormWithAMalformedEscapeAsAnInvalidRequest() {
		for (String form : new String[] { "grant_type=password&username=%zz&password=secret", "grant_type=password%" }) {
			http.post().uri("/oauth2/token").contentType(MediaType.APPLICATION_FORM_URLENCODED).bodyValue(form)
				.exchange()
				.expectStatus().isBadRequest()
				.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
				.expectBody().jsonPath("$.error").isEqualTo("invalid_request");
		}
	}

	@Test
	void refusesAFormLargerThanTheServiceReadsAsAProblem() {
		http.post().uri("/oauth2/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.bodyValue("grant_type=password&username=alice&password=" + "a".repeat(300 * 1024))
			.exchange()
			.expectStatus().isEqualTo(413)
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody().jsonPath("$.type").isEqualTo("https://tandem.dev/problems/request-too-large");
	}

	@Test
	void refusesAnUnknownGrantType() {
		users.token(Map.of("grant_type", "authorization_code"))
			.expectStatus().isBadRequest()
			.expectBody().jsonPath("$.error").isEqualTo("unsupported_grant_type");
	}

	@Test
	void publishesTheIssuerAndItsKeys() {
		http.get().uri("/.well-known/openid-configuration").exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.issuer").isEqualTo("http://localhost:8081")
			.jsonPath("$.jwks_uri").isEqualTo("http://localhost:8081/oauth2/jwks")
			.jsonPath("$.token_endpoint").isEqualTo("http://localhost:8081/oauth2/token");
		assertThat(publishedKeys().getKeys()).singleElement()
			.satisfies(key -> assertThat(key.isPrivate()).as("only the public half is published").isFalse());
	}

	@Test
	void servesUserFactsToServicesWithTheRightScope() {
		String name = TestUsers.unique("grace");
		UUID id = users.register(name);
		String serviceToken = (String) users.token(Map.of("grant_type", "client_credentials", "client_id",
				"profile-service", "client_secret", "local-profile-service-secret"))
			.expectBody(JSON).returnResult().getResponseBody().get("access_token");

		http.get().uri("/internal/users/{id}", id).headers(bearer(serviceToken)).exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.userId").isEqualTo(id.toString())
			.jsonPath("$.username").isEqualTo(name)
			.jsonPath("$.version").isEqualTo(1)
			.jsonPath("$.active").isEqualTo(true);
		http.get().uri("/internal/users/{id}", UUID.randomUUID()).headers(bearer(serviceToken)).exchange()
			.expectStatus().isNotFound();
		http.get().uri("/internal/users/{id}", id).headers(bearer(users.accessToken(name))).exchange()
			.expectStatus().isForbidden()
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
		http.get().uri("/internal/users/{id}", id).exchange()
			.expectStatus().isUnauthorized()
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
	}

	private JWKSet publishedKeys() {
		try {
			return JWKSet.parse(http.get().uri("/oauth2/jwks").exchange().expectStatus().isOk()
				.expectBody(String.class).returnResult().getResponseBody());
		}
		catch (java.text.ParseException ex) {
			throw new AssertionError(ex);
		}
	}

	private Map<String, Object> refusal(Map<String, String> form) {
		Map<String, Object> body = users.token(form).expectStatus().isBadRequest()
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody(JSON).returnResult().getResponseBody();
		return body;
	}

	private WebTestClient.ResponseSpec refresh(String refreshToken) {
		return users.token(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken));
	}

	static java.util.function.Consumer<HttpHeaders> bearer(String token) {
		return headers -> headers.setBearerAuth(token);
	}

}
