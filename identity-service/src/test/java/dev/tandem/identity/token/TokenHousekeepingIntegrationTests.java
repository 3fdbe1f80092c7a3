package dev.tandem.identity.token;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import dev.tandem.identity.IdentityIntegrationTest;
import dev.tandem.identity.TestUsers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.transaction.reactive.TransactionalOperator;

import static org.assertj.core.api.Assertions.assertThat;

/** What logins leave behind goes once it has expired, and nothing that still counts goes with it. */
@IdentityIntegrationTest
class TokenHousekeepingIntegrationTests {

	@Autowired
	WebTestClient http;

	@Autowired
	TokenHousekeeping housekeeping;

	@Autowired
	DatabaseClient database;

	@Autowired
	TransactionalOperator transactions;

	@Autowired
	TokenSettings tokenSettings;

	@Autowired
	LoginThrottle throttle;

	@Autowired
	LoginThrottle.Settings throttleSettings;

	@Autowired
	ThrottleKeys keys;

	TestUsers users;

	@BeforeEach
	void setUp() {
		users = new TestUsers(http);
	}

	@Test
	void deletesExpiredRefreshTokensAndKeepsLiveOnes() {
		String name = TestUsers.unique("expiring");
		UUID user = users.register(name);
		// A session started a month ago, long past the 14 days a refresh token lives, rotated once since.
		Clock monthAgo = Clock.offset(Clock.systemUTC(), Duration.ofDays(-30));
		RefreshTokens thenTokens = new RefreshTokens(database, transactions, tokenSettings, monthAgo);
		String old = thenTokens.issue(user, null, "profile").block();
		thenTokens.rotate(old, TokenEndpoint.FIRST_PARTY, client -> false).block();
		String live = (String) users.login(name, TestUsers.PASSWORD).get("refresh_token");
		assertThat(tokensOf(user)).isEqualTo(3);

		housekeeping.deleteExpired().block();

		assertThat(tokensOf(user)).isEqualTo(1);
		users.token(Map.of("grant_type", "refresh_token", "refresh_token", live)).expectStatus().isOk();
	}

	@Test
	void keepsRetiredTokensThatHaveNotExpiredSoTheirReuseIsStillCaught() {
		String name = TestUsers.unique("reuse");
		users.register(name);
		String first = (String) users.login(name, TestUsers.PASSWORD).get("refresh_token");
		String second = users.token(Map.of("grant_type", "refresh_token", "refresh_token", first))
			.expectStatus().isOk()
			.expectBody(TokenEndpoint.TokenResponse.class).returnResult().getResponseBody().refreshToken();

		housekeeping.deleteExpired().block();

		// The retired first token is still known: presenting it again revokes the family, the second token with it.
		users.token(Map.of("grant_type", "refresh_token", "refresh_token", first)).expectStatus().isBadRequest()
			.expectBody().jsonPath("$.error_description").value(description ->
					assertThat((String) description).contains("already used"));
		users.token(Map.of("grant_type", "refresh_token", "refresh_token", second)).expectStatus().isBadRequest();
	}

	@Test
	void forgetsLoginCountersWhoseTimeIsUpOnly() {
		String forgotten = TestUsers.unique("forgotten");
		String remembered = TestUsers.unique("remembered");
		// Failures three hours ago: past the 15-minute window and the longest lock.
		new LoginThrottle(throttleSettings, Clock.offset(Clock.systemUTC(), Duration.ofHours(-3)), database,
				transactions, keys)
			.attempt(forgotten, "192.0.2.80")
			.block();
		throttle.attempt(remembered, "192.0.2.81").block();
		assertThat(countersOf(forgotten, "192.0.2.80")).isEqualTo(2);

		housekeeping.deleteExpired().block();

		assertThat(countersOf(forgotten, "192.0.2.80")).isZero();
		assertThat(countersOf(remembered, "192.0.2.81")).isEqualTo(2);
	}

	private long tokensOf(UUID user) {
		return database.sql("select count(*) from refresh_tokens where user_id = :user")
			.bind("user", user)
			.map(row -> row.get(0, Long.class))
			.one()
			.blockOptional()
			.orElseThrow();
	}

	/** The account's counters: from anywhere, and at the address. */
	private long countersOf(String account, String address) {
		return database.sql("select count(*) from login_failures where key = any(:keys::text[])")
			.bind("keys", new String[] { keys.account(account), keys.pair(account, address) })
			.map(row -> row.get(0, Long.class))
			.one()
			.blockOptional()
			.orElseThrow();
	}
}
