package dev.tandem.profile.profiles;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import dev.tandem.events.user.UserCreated;
import dev.tandem.profile.ProfileIntegrationTest;
import dev.tandem.profile.TestIssuer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

@ProfileIntegrationTest
class ProfileControllerIntegrationTests {

	private static final MediaType MERGE_PATCH = MediaType.parseMediaType("application/merge-patch+json");

	@Autowired
	WebTestClient http;

	@Autowired
	Profiles profiles;

	@Autowired
	HealthEndpointGroups health;

	@Test
	void servesUsersTheirWholeProfileWithItsVersionAsETag() {
		UUID userId = existingProfile("dinah");

		http.get().uri("/api/profiles/me").headers(bearer(TestIssuer.userToken(userId))).exchange()
			.expectStatus().isOk()
			.expectHeader().valueEquals(HttpHeaders.ETAG, "\"1\"")
			.expectBody()
			.jsonPath("$.userId").isEqualTo(userId.toString())
			.jsonPath("$.username").isEqualTo("dinah")
			.jsonPath("$.email").isEqualTo("dinah@example.com")
			.jsonPath("$.displayName").isEqualTo("Dinah");
	}

	@Test
	void showsOthersOnlyThePublicPartAndAdminsEverything() {
		UUID userId = existingProfile("edith");
		patchMe(userId, Map.of("bio", "Sister", "birthdate", "1990-05-04", "phoneNumber", "+447911123456"))
			.expectStatus().isOk();

		http.get().uri("/api/profiles/{id}", userId).headers(bearer(TestIssuer.userToken(UUID.randomUUID())))
			.exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.bio").isEqualTo("Sister")
			.jsonPath("$.username").isEqualTo("edith")
			.jsonPath("$.email").doesNotExist()
			.jsonPath("$.birthdate").doesNotExist()
			.jsonPath("$.phoneNumber").doesNotExist();
		http.get().uri("/api/profiles/{id}", userId).headers(bearer(TestIssuer.userToken(UUID.randomUUID(), "admin")))
			.exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.email").isEqualTo("edith@example.com")
			.jsonPath("$.birthdate").isEqualTo("1990-05-04");
	}

	@Test
	void appliesAMergePatchWhereNullRemovesAField() {
		UUID userId = existingProfile("fanny");
		patchMe(userId, Map.of("bio", "First bio", "company", "Wonderland Ltd")).expectStatus().isOk();

		http.patch().uri("/api/profiles/me").headers(bearer(TestIssuer.userToken(userId))).contentType(MERGE_PATCH)
			.bodyValue("{\"company\": null, \"location\": \"Oxford\"}")
			.exchange()
			.expectStatus().isOk()
			.expectHeader().valueEquals(HttpHeaders.ETAG, "\"3\"")
			.expectBody()
			.jsonPath("$.bio").isEqualTo("First bio")
			.jsonPath("$.company").doesNotExist()
			.jsonPath("$.location").isEqualTo("Oxford")
			.jsonPath("$.version").isEqualTo(3);
	}

	@Test
	void refusesInvalidValuesNamingEachWithAPointerAndChangesNothing() {
		UUID userId = existingProfile("gwen");

		patchMe(userId, Map.of("bio", "x".repeat(501), "website", "ftp://example.com", "birthdate", "1850-01-01",
				"phoneNumber", "0123", "shoeSize", "42"))
			.expectStatus().isBadRequest()
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.errors[*].pointer").value(pointers -> assertThat((List<Object>) pointers)
				.containsExactlyInAnyOrder("/bio", "/website", "/birthdate", "/phoneNumber", "/shoeSize"));

		Profile unchanged = profiles.findById(userId).block();
		assertThat(unchanged.version()).isEqualTo(1);
		assertThat(unchanged.bio()).isNull();
	}

	@Test
	void refusesControlCharactersButKeepsLineBreaksInTheBio() {
		UUID userId = existingProfile("nina");

		patchMe(userId, Map.of("location", "Ox\u0000ford")).expectStatus().isBadRequest()
			.expectBody()
			.jsonPath("$.errors[0].pointer").isEqualTo("/location")
			.jsonPath("$.errors[0].message").isEqualTo("must not contain control characters or unpaired surrogates");
		patchMe(userId, Map.of("location", "Ox\nford")).expectStatus().isBadRequest()
			.expectBody().jsonPath("$.errors[0].pointer").isEqualTo("/location");
		patchMe(userId, Map.of("bio", "line one\nline two")).expectStatus().isOk();
	}

	@Test
	void refusesTextWithAnUnpairedSurrogate() {
		UUID userId = existingProfile("ursula");

		http.patch().uri("/api/profiles/me").headers(bearer(TestIssuer.userToken(userId))).contentType(MERGE_PATCH)
			.bodyValue("{\"bio\": \"half \\ud800 a character\"}")
			.exchange()
			.expectStatus().isBadRequest()
			.expectBody()
			.jsonPath("$.errors[0].pointer").isEqualTo("/bio")
			.jsonPath("$.errors[0].message").isEqualTo("must not contain control characters or unpaired surrogates");
	}

	@Test
	void exposesItsMetricsAndIsReadyWithItsDatabaseWhateverKafkaDoes() {
		http.get().uri("/actuator/prometheus").exchange()
			.expectStatus().isOk()
			.expectBody(String.class)
			.value(metrics -> assertThat(metrics).contains("tandem_outbox_backlog")
				.contains("tandem_signup_profile_latency_seconds_bucket"));
		http.get().uri("/actuator/health/readiness").exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.status").isEqualTo("UP");
		http.get().uri("/readyz").exchange().expectStatus().isOk();
		// Kafka counts in the overall health only: a broker outage takes no replica out of the load balancer
		// (KafkaOutageIntegrationTests shows it with no broker at all), and restarts none.
		HealthEndpointGroup readiness = health.get("readiness");
		assertThat(readiness.isMember("r2dbc")).isTrue();
		assertThat(readiness.isMember("kafka")).isFalse();
		assertThat(health.get("liveness").isMember("kafka")).isFalse();
		assertThat(health.getPrimary().isMember("kafka")).isTrue();
	}

	@Test
	void refusesAPhoneNumberThatIsWellFormedButDoesNotExist() {
		UUID userId = existingProfile("olive");

		patchMe(userId, Map.of("phoneNumber", "+19999999999")).expectStatus().isBadRequest()
			.expectBody()
			.jsonPath("$.errors[0].pointer").isEqualTo("/phoneNumber")
			.jsonPath("$.errors[0].message").isEqualTo("is not a valid phone number");
	}

	@Test
	void readsManyProfilesAtOnceForAServiceShowingThePublicPart() {
		UUID first = existingProfile("pat");
		UUID second = existingProfile("quinn");
		UUID nobody = UUID.randomUUID();
		String service = TestIssuer.token(claims -> claims.subject("search-service").claim("scope", "profiles:read"));

		http.get().uri("/api/profiles?ids={a},{b},{c}", first, second, nobody).headers(bearer(service)).exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.items.length()").isEqualTo(2)
			.jsonPath("$.items[*].userId").value(ids -> assertThat((List<Object>) ids)
				.containsExactlyInAnyOrder(first.toString(), second.toString()))
			.jsonPath("$.items[0].email").doesNotExist();
	}

	@Test
	void refusesABatchOfMoreThanOneHundredIds() {
		String ids = String.join(",", java.util.stream.Stream.generate(() -> UUID.randomUUID().toString()).limit(101).toList());
		String service = TestIssuer.token(claims -> claims.subject("search-service").claim("scope", "profiles:read"));

		http.get().uri("/api/profiles?ids=" + ids).headers(bearer(service)).exchange()
			.expectStatus().isBadRequest()
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.errors[0].parameter").isEqualTo("ids")
			.jsonPath("$.errors[0].message").isEqualTo("size must be between 0 and 100");
	}

	@Test
	void saysWhatEachIdOfABatchReadShouldHaveBeen() {
		String service = TestIssuer.token(claims -> claims.subject("search-service").claim("scope", "profiles:read"));

		UUID id = UUID.randomUUID();

		http.get().uri("/api/profiles?ids={a},zzz", id).headers(bearer(service)).exchange()
			.expectStatus().isBadRequest()
			.expectBody()
			.jsonPath("$.type").isEqualTo("https://tandem.dev/problems/invalid-request")
			.jsonPath("$.detail")
			.isEqualTo("'" + id + ",zzz' is not a valid ids: expected values separated by commas, each a UUID.")
			.jsonPath("$.errors[0].parameter").isEqualTo("ids")
			.jsonPath("$.errors[0].message").isEqualTo("must be values separated by commas, each a UUID");
	}

	@Test
	void refusesAnEmptyIdInABatchRead() {
		String service = TestIssuer.token(claims -> claims.subject("search-service").claim("scope", "profiles:read"));

		http.get().uri("/api/profiles?ids={a},", UUID.randomUUID()).headers(bearer(service)).exchange()
			.expectStatus().isBadRequest()
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type").isEqualTo("https://tandem.dev/problems/invalid-request")
			.jsonPath("$.errors.length()").isEqualTo(1)
			.jsonPath("$.errors[0].parameter").isEqualTo("ids")
			.jsonPath("$.errors[0].message").isEqualTo("must be values separated by commas, each a UUID");
		http.get().uri("/api/profiles?ids=,").headers(bearer(service)).exchange()
			.expectStatus().isBadRequest()
			.expectBody()
			.jsonPath("$.type").isEqualTo("https://tandem.dev/problems/invalid-request")
			.jsonPath("$.detail").isEqualTo("1 parameter is invalid.")
			.jsonPath("$.errors.length()").isEqualTo(1)
			.jsonPath("$.errors[0].parameter").isEqualTo("ids");
	}

	@Test
	void refusesTheBatchReadToAUserToken() {
		http.get().uri("/api/profiles?ids={a}", UUID.randomUUID()).headers(bearer(TestIssuer.userToken(UUID.randomUUID())))
			.exchange()
			.expectStatus().isForbidden();
	}

	@Test
	void letsAnAdminSearchProfilesButNotAService() {
		String name = "rosalind" + UUID.randomUUID().toString().substring(0, 6);
		existingProfile(name);

		http.get().uri("/api/profiles?q={q}", name.toUpperCase()).headers(bearer(TestIssuer.userToken(UUID.randomUUID(), "admin")))
			.exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.total").isEqualTo(1)
			.jsonPath("$.items[0].username").isEqualTo(name)
			.jsonPath("$.items[0].email").isEqualTo(name + "@example.com");
		http.get().uri("/api/profiles?q={q}", name)
			.headers(bearer(TestIssuer.token(claims -> claims.subject("search-service").claim("scope", "profiles:read"))))
			.exchange()
			.expectStatus().isForbidden();
	}

	@Test
	void refusesAChangeMadeAgainstAStaleVersion() {
		UUID userId = existingProfile("hilda");
		patchMe(userId, Map.of("bio", "v2")).expectStatus().isOk();

		http.patch().uri("/api/profiles/me").headers(bearer(TestIssuer.userToken(userId)))
			.header(HttpHeaders.IF_MATCH, "\"1\"").contentType(MERGE_PATCH).bodyValue(Map.of("bio", "lost update"))
			.exchange()
			.expectStatus().isEqualTo(412)
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type").isEqualTo("https://tandem.dev/problems/stale-profile")
			.jsonPath("$.title").isEqualTo("Profile changed meanwhile")
			.jsonPath("$.detail").isEqualTo("The profile is at version 2, not \"1\"; read it again and retry.");

		assertThat(profiles.findById(userId).block().bio()).isEqualTo("v2");
	}

	@Test
	void takesAWeakenedETagOfTheCurrentVersionAsThatVersion() {
		UUID userId = existingProfile("hester");
		patchMe(userId, Map.of("bio", "v2")).expectStatus().isOk();

		// As a client behind a compressing gateway sends it back: W/"2" for the "2" the service answered.
		http.patch().uri("/api/profiles/me").headers(bearer(TestIssuer.userToken(userId)))
			.header(HttpHeaders.IF_MATCH, "W/\"1\", W/\"2\"").contentType(MERGE_PATCH).bodyValue(Map.of("bio", "v3"))
			.exchange()
			.expectStatus().isOk()
			.expectHeader().valueEquals(HttpHeaders.ETAG, "\"3\"");
		http.patch().uri("/api/profiles/me").headers(bearer(TestIssuer.userToken(userId)))
			.header(HttpHeaders.IF_MATCH, "W/\"2\"").contentType(MERGE_PATCH).bodyValue(Map.of("bio", "lost update"))
			.exchange()
			.expectStatus().isEqualTo(412);

		assertThat(profiles.findById(userId).block().bio()).isEqualTo("v3");
	}

	@Test
	void forbidsChangingSomeoneElsesProfileButLetsAnAdmin() {
		UUID userId = existingProfile("iris");

		http.patch().uri("/api/profiles/{id}", userId).headers(bearer(TestIssuer.userToken(UUID.randomUUID())))
			.contentType(MERGE_PATCH).bodyValue(Map.of("bio", "defaced"))
			.exchange()
			.expectStatus().isForbidden()
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(profiles.findById(userId).block().bio()).isNull();

		http.patch().uri("/api/profiles/{id}", userId).headers(bearer(TestIssuer.userToken(UUID.randomUUID(), "admin")))
			.contentType(MERGE_PATCH).bodyValue(Map.of("bio", "fixed by support"))
			.exchange()
			.expectStatus().isOk();
		assertThat(profiles.findById(userId).block().bio()).isEqualTo("fixed by support");
	}

	@Test
	void refusesRequestsWithoutAToken() {
		http.get().uri("/api/profiles/{id}", existingProfile("jane")).exchange()
			.expectStatus().isUnauthorized()
			.expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
	}

	@Test
	void refusesAnExpiredToken() {
		UUID userId = existingProfile("kate");
		String expired = TestIssuer.token(claims -> claims.subject(userId.toString())
			.issuedAt(Instant.now().minusSeconds(3600))
			.expiresAt(Instant.now().minusSeconds(1800)));

		refused(expired);
	}

	@Test
	void refusesATokenFromAnotherIssuer() {
		UUID userId = existingProfile("lena");

		refused(TestIssuer.token(claims -> claims.subject(userId.toString()).issuer("http://evil.test")));
	}

	@Test
	void refusesATokenForAnotherAudience() {
		UUID userId = existingProfile("mona");

		refused(TestIssuer.token(claims -> claims.subject(userId.toString()).audience(List.of("billing"))));
	}

	@Test
	void refusesATokenSignedWithAnUnpublishedKey() {
		refused(TestIssuer.tokenSignedWithForeignKey(existingProfile("nora")));
	}

	@Test
	void refusesAnUnsignedToken() {
		UUID userId = existingProfile("olga");
		String signed = TestIssuer.userToken(userId);
		String header = Base64.getUrlEncoder().withoutPadding()
			.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

		refused(header + "." + signed.split("\\.")[1] + ".");
	}

	@Test
	void answersServiceUnavailableForAMissingProfileWhenIdentityServiceIsNotConfigured() {
		// No client secret here: whether the user exists cannot be known, so no 404 (ProfileLookupIntegrationTests
		// has identity-service say there is no such user).
		http.get().uri("/api/profiles/{id}", UUID.randomUUID()).headers(bearer(TestIssuer.userToken(UUID.randomUUID())))
			.exchange()
			.expectStatus().isEqualTo(503)
			.expectHeader().exists(HttpHeaders.RETRY_AFTER)
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type").isEqualTo("https://tandem.dev/problems/identity-unavailable");
	}

	@Test
	void answersBadRequestAsAProblemForAnIdThatIsNoUuid() {
		http.get().uri("/api/profiles/not-a-uuid").headers(bearer(TestIssuer.userToken(UUID.randomUUID())))
			.exchange()
			.expectStatus().isBadRequest()
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.detail").isEqualTo("'not-a-uuid' is not a valid userId: expected a UUID.");
	}

	@Test
	void refusesAPatchThatNamesAFieldTwice() {
		UUID userId = UUID.randomUUID();

		http.patch().uri("/api/profiles/me").headers(bearer(TestIssuer.userToken(userId))).contentType(MERGE_PATCH)
			.bodyValue("{\"bio\":\"first\",\"bio\":\"second\"}")
			.exchange()
			.expectStatus().isBadRequest()
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type").isEqualTo("https://tandem.dev/problems/invalid-request")
			.jsonPath("$.detail").isEqualTo("The body is not valid JSON: Duplicate Object property \"bio\"");
	}

	@Test
	void namesEachSearchParameterThatBreaksItsLimits() {
		http.get().uri("/api/profiles?size=0").headers(bearer(TestIssuer.userToken(UUID.randomUUID(), "admin")))
			.exchange()
			.expectStatus().isBadRequest()
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.detail").isEqualTo("1 parameter is invalid.")
			.jsonPath("$.errors[0].parameter").isEqualTo("size")
			.jsonPath("$.errors[0].message").isEqualTo("must be greater than or equal to 1");
	}

	private void refused(String token) {
		http.get().uri("/api/profiles/me").headers(bearer(token)).exchange()
			.expectStatus().isUnauthorized()
			.expectHeader().value(HttpHeaders.WWW_AUTHENTICATE, value -> assertThat(value).contains("invalid_token"));
	}

	private WebTestClient.ResponseSpec patchMe(UUID userId, Map<String, Object> patch) {
		return http.patch().uri("/api/profiles/me").headers(bearer(TestIssuer.userToken(userId)))
			.contentType(MERGE_PATCH).bodyValue(patch).exchange();
	}

	private UUID existingProfile(String username) {
		UUID userId = UUID.randomUUID();
		profiles.createFor(new UserCreated(userId, 1, Instant.now(), username, username + "@example.com",
				username.substring(0, 1).toUpperCase() + username.substring(1), "", true, null), Instant.now()).block();
		return userId;
	}

	private static Consumer<HttpHeaders> bearer(String token) {
		return headers -> headers.setBearerAuth(token);
	}
}
