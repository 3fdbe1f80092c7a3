package dev.tandem.identity.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import dev.tandem.identity.WithLocalUsers;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Slows down and then refuses repeated failed logins, without handing an attacker a way to lock a victim out:
 * refusals are per account <em>and</em> client address (so an attacker elsewhere cannot lock out the victim's
 * address) and per address (credential stuffing from one place), always for a bounded time. Failures on one account
 * from everywhere only slow its logins down, never refuse them. The counters live in the database, so every replica
 * counts the same attempts: guesses spread over replicas by a load balancer add up.
 */
@Component
@WithLocalUsers
class LoginThrottle {

	private final Settings settings;

	private final Clock clock;

	private final DatabaseClient database;

	private final TransactionalOperator transactions;

	private final ThrottleKeys keys;

	LoginThrottle(Settings settings, Clock clock, DatabaseClient database, TransactionalOperator transactions,
			ThrottleKeys keys) {
		this.settings = settings;
		this.keys = keys;
		this.clock = clock;
		this.database = database;
		this.transactions = transactions;
	}

	/**
	 * Reserves a login attempt before its password is checked: refuses it if the account at this address, or the
	 * address, is locked, and otherwise counts it as a failure until {@link #succeeded} says otherwise. Counting up
	 * front is what stops a burst of parallel guesses from all passing before the first failure is recorded. A refused
	 * attempt changes no count; most are answered from one read that locks nothing.
	 *
	 * @param account the user id when the login named a user, else the login as typed
	 * @return how long to hold the answer back should this attempt fail (the slow-down), or the error
	 *         {@link TooManyLoginAttempts} if the attempt is refused
	 */
	Mono<Duration> attempt(String account, String clientAddress) {
		Instant now = clock.instant();
		Counter address = new Counter(keys.address(clientAddress), settings.maxFailuresPerAddress(),
				settings.maxLock().plus(settings.window()));
		Counter pair = new Counter(keys.pair(account, clientAddress), settings.maxFailures(),
				settings.maxLock().plus(settings.window()));
		// Attempts at the same address, or on the same account from the same address, queue behind one another's
		// transactions, each a few statements long; both counters are created or locked by one statement, in the
		// order of their keys, so no two attempts wait for each other in a cycle.
		// What the attempt is refused for: empty when it may go on to its password check.
		Mono<Optional<Duration>> counted = quickly()
			.thenMany(lock(new String[] { address.key(), pair.key() }, now))
			.filter(stored -> stored.remembered(now))
			.collectMap(Stored::key, Stored::failures)
			.flatMap(stored -> decide(stored, address, pair, now))
			.as(transactions::transactional);
		return storedLock(address, pair, now).map(Optional::of)
			.switchIfEmpty(counted)
			.flatMap(refusal -> refusal.isEmpty() ? countOnAccount(account, now).map(this::slowDown)
					: Mono.error(new TooManyLoginAttempts(refusal.get())));
	}

	/**
	 * Creates the counters that are missing and locks them all, in the order of their keys; answers them as stored.
	 */
	private Flux<Stored> lock(String[] keys, Instant now) {
		return database.sql("""
				insert into login_failures as f (key, failures, window_start, lockouts, forget_after)
				select key, 0, :now, 0, :now from unnest(:keys::text[]) as key order by key
				on conflict (key) do update set failures = f.failures
				returning key, failures, window_start, locked_until, lockouts, forget_after""")
			.bind("now", now)
			.bind("keys", keys)
			.map(row -> new Stored(row.get("key", String.class), new Failures(row.get("failures", Integer.class),
					row.get("window_start", Instant.class), row.get("locked_until", Instant.class),
					row.get("lockouts", Integer.class)), row.get("forget_after", Instant.class)))
			.all();
	}

	/**
	 * Counts a failure on the account from anywhere, in one statement of its own: it never refuses, so it holds its
	 * row no longer than that statement does, and a flood of guesses at one account from many addresses does not
	 * queue transactions behind it. Answers the failures counted in the window.
	 */
	private Mono<Integer> countOnAccount(String account, Instant now) {
		return database.sql("""
				insert into login_failures as f (key, failures, window_start, lockouts, forget_after)
				values (:key, 1, :now, 0, :forgetAfter)
				on conflict (key) do update set
					failures = case when f.window_start < :windowStart or f.forget_after <= :now then 1
						else f.failures + 1 end,
					window_start = case when f.window_start < :windowStart or f.forget_after <= :now then :now
						else f.window_start end,
					forget_after = :forgetAfter
				returning failures""")
			.bind("key", keys.account(account))
			.bind("now", now)
			.bind("windowStart", now.minus(settings.window()))
			.bind("forgetAfter", now.plus(settings.window()))
			.map(row -> row.get("failures", Integer.class))
			.one();
	}

	/** The lock on the address, else on the pair, as stored now; read without locking anything. */
	private Mono<Duration> storedLock(Counter address, Counter pair, Instant now) {
		return database.sql("""
				select key, locked_until from login_failures
				where key in (:address, :pair) and locked_until > :now and forget_after > :now""")
			.bind("address", address.key())
			.bind("pair", pair.key())
			.bind("now", now)
			.map(row -> Map.entry(row.get("key", String.class), row.get("locked_until", Instant.class)))
			.all()
			.collectMap(Map.Entry::getKey, Map.Entry::getValue)
			.flatMap(locks -> Mono.justOrEmpty(locks.getOrDefault(address.key(), locks.get(pair.key()))))
			.map(until -> Duration.between(now, until));
	}

	/**
	 * Advances the address's and the pair's counters, unless either was locked meanwhile: a refusal changes no
	 * count.
	 */
	private Mono<Optional<Duration>> decide(Map<String, Failures> stored, Counter address, Counter pair, Instant now) {
		@Nullable Failures atAddress = stored.get(address.key());
		@Nullable Failures atPair = stored.get(pair.key());
		Optional<Duration> locked = lockedFor(atAddress, now).or(() -> lockedFor(atPair, now));
		if (locked.isPresent()) {
			return Mono.just(locked);
		}
		return save(address, next(atAddress, now, address.limit()), now)
			.then(save(pair, next(atPair, now, pair.limit()), now))
			.thenReturn(Optional.empty());
	}

	private Duration slowDown(int failuresOnAccount) {
		int beyond = failuresOnAccount - settings.slowDownAfter();
		if (beyond <= 0) {
			return Duration.ZERO;
		}
		Duration delay = settings.slowDownStep().multipliedBy(beyond);
		return delay.compareTo(settings.maxSlowDown()) > 0 ? settings.maxSlowDown() : delay;
	}

	/** A successful login clears what its account had collected (at this address, and in all). */
	Mono<Void> succeeded(String account, String clientAddress) {
		String address = keys.address(clientAddress);
		String pair = keys.pair(account, clientAddress);
		String onAccount = keys.account(account);
		return quickly()
			// Locked in the order of their keys, as attempts lock them.
			.thenMany(lock(new String[] { address, pair, onAccount }, clock.instant()))
			.then(database.sql("delete from login_failures where key = any(:keys::text[])")
				.bind("keys", new String[] { pair, onAccount })
				.then())
			// A login that succeeded was no guess: give back the address's reserved attempt.
			.then(database.sql("update login_failures set failures = failures - 1 where key = :key and failures > 0")
				.bind("key", address)
				.then())
			.as(transactions::transactional);
	}

	/** Deletes the counters whose time to be remembered is up; answers how many went. */
	Mono<Long> forgetExpired(Instant now) {
		return ExpiredRows.delete(database, "login_failures", "key", "forget_after", now);
	}

	/**
	 * Starts a throttle transaction: its commit does not wait for the disk, since a crash that loses a count gives an
	 * attacker a few guesses at most, and holding the counters' locks through a disk flush would make every attempt
	 * on them wait for it; and a lock it waits for longer than 2 s fails it (a 503) rather than holding its connection.
	 */
	private Mono<Void> quickly() {
		return database.sql("select set_config('synchronous_commit', 'off', true), set_config('lock_timeout', '2s', true)")
			.then();
	}

	private Mono<Void> save(Counter counter, Failures failures, Instant now) {
		return database.sql("""
				update login_failures set failures = :failures, window_start = :windowStart,
					locked_until = :lockedUntil, lockouts = :lockouts, forget_after = :forgetAfter
				where key = :key""")
			.bind("key", counter.key())
			.bind("failures", failures.count())
			.bind("windowStart", failures.windowStart())
			.bind("lockedUntil", Parameter.fromOrEmpty(failures.lockedUntil(), Instant.class))
			.bind("lockouts", failures.lockouts())
			.bind("forgetAfter", now.plus(counter.remembered()))
			.then();
	}

	private Failures next(@Nullable Failures failures, Instant now, int limit) {
		Failures current = failures == null || failures.windowStart().plus(settings.window()).isBefore(now)
				? new Failures(0, now, null, failures == null ? 0 : failures.lockouts()) : failures;
		int count = current.count() + 1;
		if (count < limit) {
			return new Failures(count, current.windowStart(), current.lockedUntil(), current.lockouts());
		}
		// Each consecutive lock lasts twice as long as the one before, up to the maximum.
		Duration lock = settings.lock().multipliedBy(1L << Math.min(current.lockouts(), 20));
		if (lock.compareTo(settings.maxLock()) > 0) {
			lock = settings.maxLock();
		}
		return new Failures(0, now, now.plus(lock), current.lockouts() + 1);
	}

	private static Optional<Duration> lockedFor(@Nullable Failures failures, Instant now) {
		if (failures == null || failures.lockedUntil() == null || !failures.lockedUntil().isAfter(now)) {
			return Optional.empty();
		}
		return Optional.of(Duration.between(now, failures.lockedUntil()));
	}

	/** One counter of an attempt: its row's key, the failures that lock it, how long it is remembered. */
	private record Counter(String key, int limit, Duration remembered) {
	}

	private record Failures(int count, Instant windowStart, @Nullable Instant lockedUntil, int lockouts) {
	}

	private record Stored(String key, Failures failures, Instant forgetAfter) {

		/** A counter whose time to be remembered is up counts as none, whether or not it is deleted yet. */
		boolean remembered(Instant now) {
			return forgetAfter.isAfter(now);
		}
	}

	/**
	 * @param maxFailures failures of one account from one address before that pair is locked
	 * @param maxFailuresPerAddress failures from one address, any accounts, before the address is locked
	 * @param window how long failures are remembered
	 * @param lock how long the first lock lasts; each following one lasts twice as long, up to {@code maxLock}
	 * @param slowDownAfter failures of one account, from anywhere, after which its answers are held back
	 * @param slowDownStep how much longer each further failure holds the answer back, up to {@code maxSlowDown}
	 */
	@ConfigurationProperties("tandem.login-throttle")
	record Settings(@DefaultValue("5") int maxFailures, @DefaultValue("50") int maxFailuresPerAddress,
			@DefaultValue("15m") Duration window, @DefaultValue("1m") Duration lock, @DefaultValue("1h") Duration maxLock,
			@DefaultValue("3") int slowDownAfter, @DefaultValue("250ms") Duration slowDownStep,
			@DefaultValue("2s") Duration maxSlowDown) {
	}
}
