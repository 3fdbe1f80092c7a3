package dev.tandem.identity.user;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

import static org.assertj.core.api.Assertions.assertThat;

class BoundedPasswordEncoderTests {

	private final PasswordHashes hashes = new PasswordHashes(new PasswordSettings(16, 32, 1, 16384, 2));

	@Test
	void runsNoMoreHashesAtOnceThanItHasPermits() throws Exception {
		AtomicInteger running = new AtomicInteger();
		AtomicInteger most = new AtomicInteger();
		CountDownLatch allStarted = new CountDownLatch(6);
		PasswordEncoder bcrypt = new BCryptPasswordEncoder(4);
		PasswordEncoder slow = new PasswordEncoder() {
			@Override
			public String encode(CharSequence rawPassword) {
				most.accumulateAndGet(running.incrementAndGet(), Math::max);
				try {
					Thread.sleep(50);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				running.decrementAndGet();
				return bcrypt.encode(rawPassword);
			}

			@Override
			public boolean matches(CharSequence rawPassword, String encodedPassword) {
				return bcrypt.matches(rawPassword, encodedPassword);
			}
		};
		BoundedPasswordEncoder bounded = new BoundedPasswordEncoder(slow, hashes, 2);
		ExecutorService threads = Executors.newFixedThreadPool(6);
		try {
			List<Future<String>> hashed = new ArrayList<>();
			for (int i = 0; i < 6; i++) {
				hashed.add(threads.submit(() -> {
					allStarted.countDown();
					return bounded.encode("pw");
				}));
			}
			for (Future<String> hash : hashed) {
				assertThat(hash.get(10, TimeUnit.SECONDS)).startsWith("$2a$04$");
			}
		}
		finally {
			threads.shutdownNow();
		}

		assertThat(allStarted.getCount()).isZero();
		assertThat(most.get()).isEqualTo(2);
	}

	@Test
	void refusesAPasswordAgainstAHashOverItsLimitsWithoutHashing() {
		AtomicInteger hashed = new AtomicInteger();
		PasswordEncoder bcrypt = new BCryptPasswordEncoder(4);
		PasswordEncoder counting = new PasswordEncoder() {
			@Override
			public String encode(CharSequence rawPassword) {
				return bcrypt.encode(rawPassword);
			}

			@Override
			public boolean matches(CharSequence rawPassword, String encodedPassword) {
				hashed.incrementAndGet();
				return bcrypt.matches(rawPassword, encodedPassword);
			}
		};
		PasswordEncoder bounded = new BoundedPasswordEncoder(
				new DelegatingPasswordEncoder("bcrypt", Map.of("bcrypt", counting)), hashes, 2);

		assertThat(bounded.matches("pw", "{bcrypt}$2a$31$" + "N".repeat(53))).isFalse();
		assertThat(hashed).hasValue(0);
		assertThat(bounded.matches("pw", "{bcrypt}" + new BCryptPasswordEncoder(4).encode("pw"))).isTrue();
		assertThat(hashed).hasValue(1);
	}

	@Test
	void answersNoMatchWhenTheEncoderFailsOnAStoredHash() {
		PasswordEncoder failing = new PasswordEncoder() {
			@Override
			public String encode(CharSequence rawPassword) {
				throw new UnsupportedOperationException();
			}

			@Override
			public boolean matches(CharSequence rawPassword, String encodedPassword) {
				throw new IllegalArgumentException("Invalid salt revision");
			}
		};
		PasswordEncoder bounded = new BoundedPasswordEncoder(
				new DelegatingPasswordEncoder("bcrypt", Map.of("bcrypt", failing)), hashes, 2);

		assertThat(bounded.matches("pw", "{bcrypt}" + new BCryptPasswordEncoder(4).encode("pw"))).isFalse();
		assertThat(bounded.matches("pw", null)).isFalse();
	}
}
