package dev.tandem.identity.user;

import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * The service's password encoder, bounded twice. At most {@code permits} hashes run at once: each Argon2 hash holds
 * its memory (16 MiB at the default settings) while it runs, and the threads that run them, Reactor's
 * {@code boundedElastic}, are ten per core, so a burst of logins on two cores could otherwise hold 20 of them, more
 * than the heap; hashing is CPU work besides, which more threads than cores only slow down. And a stored hash that is
 * not {@linkplain PasswordHashes#verifiable verifiable}, or that its encoder fails on, does not match, whatever the
 * password: a refused login, never a 500 or minutes of work. Such a refusal costs a hash of the service's own kind
 * all the same, so that it does not answer faster than a wrong password would.
 */
final class BoundedPasswordEncoder implements PasswordEncoder {

	private static final Logger log = LoggerFactory.getLogger(BoundedPasswordEncoder.class);

	private final PasswordEncoder delegate;

	private final PasswordHashes hashes;

	private final Semaphore running;

	/** A hash of the service's own kind that no password matches, made when first needed. */
	private volatile @Nullable String unmatchable;

	BoundedPasswordEncoder(PasswordEncoder delegate, PasswordHashes hashes, int permits) {
		this.delegate = delegate;
		this.hashes = hashes;
		this.running = new Semaphore(permits, true);
	}

	@Override
	public @Nullable String encode(@Nullable CharSequence rawPassword) {
		return bounded(() -> delegate.encode(rawPassword));
	}

	@Override
	public boolean matches(@Nullable CharSequence rawPassword, @Nullable String encodedPassword) {
		if (encodedPassword == null) {
			return false;
		}
		if (!hashes.verifiable(encodedPassword)) {
			log.warn("Refused to verify a password against a stored hash of an unknown kind or over its cost limits");
			bounded(() -> delegate.matches(rawPassword, unmatchable()));
			return false;
		}
		try {
			return bounded(() -> delegate.matches(rawPassword, encodedPassword));
		}
		catch (IllegalArgumentException | IllegalStateException | IndexOutOfBoundsException ex) {
			log.warn("Could not verify a password against its stored hash: {}", ex.toString());
			return false;
		}
	}

	@Override
	public boolean upgradeEncoding(@Nullable String encodedPassword) {
		return delegate.upgradeEncoding(encodedPassword);
	}

	private String unmatchable() {
		String hash = unmatchable;
		if (hash == null) {
			hash = String.valueOf(delegate.encode(UUID.randomUUID().toString()));
			unmatchable = hash;
		}
		return hash;
	}

	private <T> T bounded(Supplier<T> hashing) {
		try {
			running.acquire();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new Interrupted(ex);
		}
		try {
			return hashing.get();
		}
		finally {
			running.release();
		}
	}

	/** The thread was interrupted (its request cancelled, the service stopping) while it waited to hash. */
	static final class Interrupted extends RuntimeException {

		Interrupted(InterruptedException cause) {
			super("Interrupted while waiting to hash a password", cause);
		}
	}
}
