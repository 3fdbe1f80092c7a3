package dev.tandem.identity.user;

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
 * password: a refused login, never a 500 or minutes of work.
 */
final class BoundedPasswordEncoder implements PasswordEncoder {

	private static final Logger log = LoggerFactory.getLogger(BoundedPasswordEncoder.class);

	private final PasswordEncoder delegate;

	private final PasswordHashes hashes;

	private final Semaphore running;

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

	private <T> T bounded(Supplier<T> hashing) {
		try {
			running.acquire();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting to hash a password", ex);
		}
		try {
			return hashing.get();
		}
		finally {
			running.release();
		}
	}
}
