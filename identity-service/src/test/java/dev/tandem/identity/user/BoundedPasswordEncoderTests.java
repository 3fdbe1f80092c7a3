package dev.tandem.identity.user;

import java.time.Duration;
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
import static org.awaitility.Awaitility.await;

class BoundedPasswordEncoderTests {

	private final PasswordHashes hashes = new PasswordHashes(new PasswordSettings(16, 32, 1, 16384, 2));

	@Test
	void runsNoMoreHashesAtOnceThanItHasPermits() throws Exception {
		AtomicInteger entered = new AtomicInteger();
		CountDownLatch release = new CountDownLatch(1);
		PasswordEncoder bcrypt = new BCryptPasswordEncoder(4);
		PasswordEncoder held = new PasswordEncoder() {
			@Override
			public String encode(CharSequence rawPassword) {
				entered.incrementAndGet();
				try {
					release.await(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				return bcrypt.encode(rawPassword);
			}

			@Override
			public boolean matches(CharSequence rawPassword, String encodedPassword) {
				return bcrypt.matches(rawPassword, encodedPassword);
			}
		};
		BoundedPasswordEncoder bounded = new BoundedPasswordEncoder(held, hashes, 2);
		ExecutorService threads = Executors.newFixedThreadPool(6);
		try {
			List<Future<String>> hashed = new ArrayList<>();
			for (int i = 0; i < 6; i++) {
				hashed.add(threads.submit(() -> bounded.encode("pw")));
			}

			// Two hashes start and are held; the other four wait for a permit as long as the two run.
			await().atMost(Duration.ofSeconds(10)).until(() -> entered.get() == 2);
			await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> entered.get() == 2);
			release.countDown();

			for (Future<String> hash : hashed) {
				assertThat(hash.get(10, TimeUnit.SECONDS)).startsWith("$2a$04$");
			}
			assertThat(entered).hasValue(6);
		}
		finally {
			threads.shutdownNow();
		}
	}

	@Test
	void refusesAPasswordAgainstAHashOverItsLimitsAtTheCostOfAHashOfItsOwnKind() {
		List<String> checked = new ArrayList<>();
		PasswordEncoder bcrypt = new BCryptPasswordEncoder(4);
		PasswordEncoder recording = new PasswordEncoder() {
			@Override
			public String encode(CharSequence rawPassword) {
				return bcrypt.encode(rawPassword);
			}

			@Override
			public boolean matches(CharSequence rawPassword, String encodedPassword) {
				checked.add(encodedPassword);
				return bcrypt.matches(rawPassword, encodedPassword);
			}
		};
		PasswordEncoder bounded = new BoundedPasswordEncoder(
				new DelegatingPasswordEncoder("bcrypt", Map.of("bcrypt", recording)), hashes, 2);
		String costly = "$2a$31$" + "N".repeat(53);

		assertThat(bounded.matches("pw", "{bcrypt}" + costly)).isFalse();
		assertThat(checked).singleElement().asString().startsWith("$2a$04$").isNotEqualTo(costly);

		String fitting = new BCryptPasswordEncoder(4).encode("pw");
		assertThat(bounded.matches("pw", "{bcrypt}" + fitting)).isTrue();
		assertThat(checked).last().isEqualTo(fitting);
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
