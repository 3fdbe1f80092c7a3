package dev.tandem.identity.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import dev.tandem.identity.IdentityIntegrationTest;
import dev.tandem.identity.TestUsers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.reactive.function.BodyInserters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Repeated failures are slowed down and then refused for a while, per account and address, never for good. The
 * client address comes from {@code X-Forwarded-For}, as behind a gateway.
 */
@IdentityIntegrationTest
@TestPropertySource(properties = { "server.forward-headers-strategy=framework", "tandem.login-throttle.max-failures=3",
		"tandem.login-throttle.lock=2s", "tandem.login-throttle.max-lock=4s", "tandem.login-throttle.slow-down-after=2",
		"tandem.login-throttle.slow-down-step=300ms" })
class LoginThrottleIntegrationTests {

	@Autowired
	WebTestClient http;

	@Autowired
	LoginThrottle throttle;

	@Autowired
	LoginThrottle.Settings settings;

	@Autowired
	DatabaseClient database;

	@Autowired
	TransactionalOperator transactions;

	@Autowired
	ThrottleKeys keys;

	TestUsers users;

	@BeforeEach
	void setUp() {
		users = new TestUsers(http);
	}

	@Test
	void locksTheAccountAtTheAttackersAddressOnlyAndReleasesIt() {
		String victim = TestUsers.unique("victim");
		users.register(victim);
		for (int i = 0; i < 3; i++) {
			login(victim, "wrong guess " + i, "203.0.113.7").expectStatus().isBadRequest();
		}

		// Even the right password is refused from the attacker's address while the lock lasts...
		login(victim, TestUsers.PASSWORD, "203.0.113.7")
			.expectStatus().isEqualTo(429)
			.expectHeader().value(HttpHeaders.RETRY_AFTER, value -> assertThat(Long.parseLong(value)).isBetween(1L, 3L))
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
		// ...but the victim, elsewhere, still gets in.
		login(victim, TestUsers.PASSWORD, "198.51.100.20").expectStatus().isOk();
		// And the lock ends by itself.
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500))
			.until(() -> login(victim, TestUsers.PASSWORD, "203.0.113.7").returnResult(String.class).getStatus().value() == 200);
	}

	@Test
	void slowsDownRepeatedFailures() {
		String name = TestUsers.unique("slow");
		users.register(name);
		login(name, "wrong guess 1", "192.0.2.1").expectStatus().isBadRequest();
		login(name, "wrong guess 2", "192.0.2.2").expectStatus().isBadRequest();

		long started = System.nanoTime();
		login(name, "wrong guess 3", "192.0.2.3").expectStatus().isBadRequest();

		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
	}

	@Test
	void letsNoMoreThanTheLimitOfParallelGuessesThrough() throws Exception {
		String name = TestUsers.unique("burst");
		users.register(name);
		java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(10);
		java.util.List<java.util.concurrent.Callable<Integer>> guesses = new java.util.ArrayList<>();
		for (int i = 0; i < 20; i++) {
			String guess = "parallel guess " + i;
			guesses.add(() -> login(name, guess, "192.0.2.99").returnResult(String.class).getStatus().value());
		}
		java.util.List<Integer> statuses = new java.util.ArrayList<>();
		for (java.util.concurrent.Future<Integer> status : pool.invokeAll(guesses)) {
			statuses.add(status.get());
		}
		pool.shutdown();

		assertThat(statuses).containsOnly(400, 429).filteredOn(status -> status == 400).hasSizeLessThanOrEqualTo(3);
	}

	@Test
	void countsTheUsernameAndTheEmailOfOneAccountTogether() {
		String name = TestUsers.unique("twonames");
		users.register(name);
		login(name, "wrong guess 1", "192.0.2.50").expectStatus().isBadRequest();
		login(name + "@example.com", "wrong guess 2", "192.0.2.50").expectStatus().isBadRequest();
		login(name, "wrong guess 3", "192.0.2.50").expectStatus().isBadRequest();

		login(name + "@example.com", TestUsers.PASSWORD, "192.0.2.50").expectStatus().isEqualTo(429);
	}

	@Test
	void countsTheAttemptsOfEveryReplicaTogether() {
		// Two replicas: instances sharing nothing but the database, locking for a minute after 3 failures.
		LoginThrottle.Settings lockForAMinute = new LoginThrottle.Settings(3, 50, Duration.ofMinutes(15),
				Duration.ofMinutes(1), Duration.ofHours(1), 3, Duration.ofMillis(250), Duration.ofSeconds(2));
		LoginThrottle one = new LoginThrottle(lockForAMinute, Clock.systemUTC(), database, transactions, keys);
		LoginThrottle other = new LoginThrottle(lockForAMinute, Clock.systemUTC(), database, transactions, keys);
		String account = TestUsers.unique("shared");
		one.attempt(account, "192.0.2.70").block();
		other.attempt(account, "192.0.2.70").block();
		one.attempt(account, "192.0.2.70").block();

		assertThatThrownBy(() -> other.attempt(account, "192.0.2.70").block())
			.isInstanceOf(TooManyLoginAttempts.class);
		assertThatThrownBy(() -> one.attempt(account, "192.0.2.70").block())
			.isInstanceOf(TooManyLoginAttempts.class);
	}

	@Test
	void countsNoRefusedAttemptAgainstTheAddress() {
		// Locks a pair after 3 failures and an address after 5.
		LoginThrottle throttle = new LoginThrottle(new LoginThrottle.Settings(3, 5, Duration.ofMinutes(15),
				Duration.ofMinutes(1), Duration.ofHours(1), 3, Duration.ofMillis(250), Duration.ofSeconds(2)),
				Clock.systemUTC(), database, transactions, keys);
		String victim = TestUsers.unique("hammered");
		for (int i = 0; i < 3; i++) {
			throttle.attempt(victim, "192.0.2.90").block();
		}
		for (int i = 0; i < 10; i++) {
			assertThatThrownBy(() -> throttle.attempt(victim, "192.0.2.90").block())
				.isInstanceOf(TooManyLoginAttempts.class);
		}

		// 3 failures from the address so far, not 13: another account may still be tried from it.
		assertThat(throttle.attempt(TestUsers.unique("other"), "192.0.2.90").block()).isNotNull();
	}

	@Test
	void answersUnavailableWhenACounterStaysLockedTooLong() {
		String name = TestUsers.unique("busy");
		users.register(name);
		login(name, "wrong guess", "192.0.2.95").expectStatus().isBadRequest();
		// Another transaction holds the address's counter for 4 s, past the throttle's 2 s wait.
		database.sql("""
				with held as (select key from login_failures where key = :key for update)
				select pg_sleep(4) from held""")
			.bind("key", keys.address("192.0.2.95"))
			.then()
			.subscribe();
		await().atMost(Duration.ofSeconds(5)).until(() -> database.sql(
				"select count(*) from pg_stat_activity where query like '%pg_sleep(4)%' and state = 'active' "
						+ "and pid <> pg_backend_pid()")
			.map(row -> row.get(0, Long.class))
			.one()
			.block() == 1);

		login(name, "another guess", "192.0.2.95").expectStatus().isEqualTo(503)
			.expectHeader().exists(HttpHeaders.RETRY_AFTER)
			.expectBody().jsonPath("$.type").isEqualTo("https://tandem.dev/problems/database-unavailable");
	}

	@Test
	void countsAnAddressOfAnyLength() {
		// Behind a gateway the address is whatever X-Forwarded-For said: here far longer than an index entry may be,
		// and random, so PostgreSQL cannot compress it to fit.
		String address = new java.util.Random(7).ints(5_000, 0, 16)
			.mapToObj(Integer::toHexString)
			.collect(java.util.stream.Collectors.joining());
		String name = TestUsers.unique("longaddress");
		users.register(name);
		for (int i = 0; i < 3; i++) {
			login(name, "wrong guess " + i, address).expectStatus().isBadRequest();
		}

		login(name, TestUsers.PASSWORD, address).expectStatus().isEqualTo(429);
	}

	@Test
	void keepsWhatWasTypedOnlyAsAKeyedDigest() throws NoSuchAlgorithmException {
		// A password typed into the login field names no user, so the throttle counts it as typed.
		String typed = "my-secret-passphrase-" + TestUsers.unique("typo");
		String address = "198.51.100.33";
		login(typed, "a password", address).expectStatus().isBadRequest();

		String account = "login:" + typed;
		assertThat(countersWithKeys(keys.address(address), keys.pair(account, address), keys.account(account)))
			.isEqualTo(3);
		// Not the text...
		assertThat(database.sql(
				"select count(*) from login_failures where strpos(key, :typed) > 0 or strpos(key, :address) > 0")
			.bind("typed", typed)
			.bind("address", address)
			.map(row -> row.get(0, Long.class))
			.one()
			.block()).isZero();
		// ...nor a plain digest of it, which anyone could compute for a list of guesses.
		assertThat(countersWithKeys("account:" + sha256(account), "address:" + sha256(address))).isZero();
	}

	private long countersWithKeys(String... keys) {
		return database.sql("select count(*) from login_failures where key = any(:keys::text[])")
			.bind("keys", keys)
			.map(row -> row.get(0, Long.class))
			.one()
			.block();
	}

	private static String sha256(String text) throws NoSuchAlgorithmException {
		return Base64.getUrlEncoder().withoutPadding()
			.encodeToString(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
	}

	private WebTestClient.ResponseSpec login(String username, String password, String address) {
		return http.post().uri("/oauth2/token").header("X-Forwarded-For", address)
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(BodyInserters.fromFormData("grant_type", "password").with("username", username).with("password", password))
			.exchange();
	}

}
