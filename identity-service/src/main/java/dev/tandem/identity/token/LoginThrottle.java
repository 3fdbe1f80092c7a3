package dev.tandem.identity.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.tandem.identity.WithLocalUsers;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.stereotype.Component;

/**
 * Slows down and then refuses repeated failed logins, without handing an attacker a way to lock a victim out:
 * refusals are per account <em>and</em> client address (so an attacker elsewhere cannot lock out the victim's
 * address) and per address (credential stuffing from one place), always for a bounded time. Failures on one account
 * from everywhere only slow its logins down, never refuse them. Counters live in this replica's memory.
 */
@Component
@WithLocalUsers
class LoginThrottle {

	private final Settings settings;

	private final Clock clock;

	private final Cache<String, Failures> perAccountAtAddress;

	private final Cache<String, Failures> perAddress;

	private final Cache<String, Failures> perAccount;

	LoginThrottle(Settings settings, Clock clock) {
		this.settings = settings;
		this.clock = clock;
		this.perAccountAtAddress = cache(settings.maxLock().plus(settings.window()));
		this.perAddress = cache(settings.maxLock().plus(settings.window()));
		this.perAccount = cache(settings.window());
	}

	private static Cache<String, Failures> cache(Duration expiry) {
		return Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(expiry).build();
	}

	/**
	 * Reserves a login attempt before its password is checked: refuses it if the account at this address, or the
	 * address, is locked, and otherwise counts it as a failure until {@link #succeeded} says otherwise. Counting up
	 * front is what stops a burst of parallel guesses from all passing before the first failure is recorded.
	 *
	 * @param account the user id when the login named a user, else the login as typed
	 * @return how long to hold the answer back should this attempt fail (the slow-down)
	 * @throws TooManyLoginAttempts if the attempt is refused
	 */
	Duration attempt(String account, String clientAddress) {
		Instant now = clock.instant();
		String pair = key(account, clientAddress);
		TooManyLoginAttempts[] refused = new TooManyLoginAttempts[1];
		// Each counter is checked and advanced in one atomic update.
		perAddress.asMap().compute(clientAddress, (k, failures) -> {
			Optional<Duration> wait = lockedFor(failures, now);
			wait.ifPresent(duration -> refused[0] = new TooManyLoginAttempts(duration));
			return wait.isPresent() ? failures : next(failures, now, settings.maxFailuresPerAddress());
		});
		if (refused[0] == null) {
			perAccountAtAddress.asMap().compute(pair, (k, failures) -> {
				Optional<Duration> wait = lockedFor(failures, now);
				wait.ifPresent(duration -> refused[0] = new TooManyLoginAttempts(duration));
				return wait.isPresent() ? failures : next(failures, now, settings.maxFailures());
			});
		}
		if (refused[0] != null) {
			throw refused[0];
		}
		Failures onAccount = perAccount.asMap().compute(account, (k, failures) -> next(failures, now, Integer.MAX_VALUE));
		int beyond = onAccount.count() - settings.slowDownAfter();
		if (beyond <= 0) {
			return Duration.ZERO;
		}
		Duration delay = settings.slowDownStep().multipliedBy(beyond);
		return delay.compareTo(settings.maxSlowDown()) > 0 ? settings.maxSlowDown() : delay;
	}

	/** A successful login clears what its account had collected (at this address, and in all). */
	void succeeded(String account, String clientAddress) {
		perAccountAtAddress.invalidate(key(account, clientAddress));
		perAccount.invalidate(account);
		// A login that succeeded was no guess: give back the address's reserved attempt.
		perAddress.asMap().computeIfPresent(clientAddress, (k, failures) -> failures.count() > 0
				? new Failures(failures.count() - 1, failures.windowStart(), failures.lockedUntil(), failures.lockouts())
				: failures);
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

	private static String key(String account, String clientAddress) {
		return account + "\n" + clientAddress;
	}

	private record Failures(int count, Instant windowStart, @Nullable Instant lockedUntil, int lockouts) {
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
