package dev.tandem.identity.user;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DjangoPasswordEncoderTests {

	/** Django's hash of "correct horse battery staple", as Django 4 would store it. */
	private static final String HASH = "pbkdf2_sha256$120000$tandemsalt1234$c06pyVIuO69kYisk7HOjYdB7MkqJSS6tMnIHZRMQSXM=";

	private final DjangoPasswordEncoder encoder = new DjangoPasswordEncoder();

	@Test
	void verifiesTheRightPasswordAndRefusesAWrongOne() {
		assertThat(encoder.matches("correct horse battery staple", HASH)).isTrue();
		assertThat(encoder.matches("correct horse battery stapler", HASH)).isFalse();
	}

	@Test
	void refusesAHashThatAsksForMoreIterationsThanAnyDjangoMakes() {
		String costly = "pbkdf2_sha256$" + (DjangoPasswordEncoder.MAX_ITERATIONS + 1) + "$tandemsalt1234$c06pyVIuO69k=";

		assertThat(DjangoPasswordEncoder.isDjangoHash(costly)).isFalse();
		assertThat(encoder.matches("correct horse battery staple", costly)).isFalse();
		assertThat(DjangoPasswordEncoder.isDjangoHash(
				"pbkdf2_sha256$" + DjangoPasswordEncoder.MAX_ITERATIONS + "$tandemsalt1234$c06pyVIuO69k=")).isTrue();
	}

	@Test
	void acceptsTheFormDjangoWritesAndNothingElse() {
		assertThat(DjangoPasswordEncoder.isDjangoHash(HASH)).isTrue();
		assertThat(DjangoPasswordEncoder.isDjangoHash("pbkdf2_sha256$0$salt$abc=")).isFalse();
		assertThat(DjangoPasswordEncoder.isDjangoHash("pbkdf2_sha256$abc$salt$abc=")).isFalse();
		assertThat(DjangoPasswordEncoder.isDjangoHash("pbkdf2_sha256$1000$$abc=")).isFalse();
		assertThat(DjangoPasswordEncoder.isDjangoHash("md5$1000$salt$abc=")).isFalse();
	}
}
