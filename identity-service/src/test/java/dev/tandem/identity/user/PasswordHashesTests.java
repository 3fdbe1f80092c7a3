package dev.tandem.identity.user;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.Pbkdf2PasswordEncoder;

import static org.assertj.core.api.Assertions.assertThat;

class PasswordHashesTests {

	private static final String SALT = "abcdefghijklmnopqrstuv";

	private final PasswordHashes hashes = new PasswordHashes(new PasswordSettings(16, 32, 1, 16384, 2));

	@Test
	void verifiesTheHashesTheSupportedEncodersMake() {
		assertThat(hashes.verifiable("{argon2}" + Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8().encode("pw")))
			.isTrue();
		assertThat(hashes.verifiable("{bcrypt}" + new BCryptPasswordEncoder(12).encode("pw"))).isTrue();
		assertThat(hashes.verifiable(
				"{pbkdf2@SpringSecurity_v5_8}" + Pbkdf2PasswordEncoder.defaultsForSpringSecurity_v5_8().encode("pw")))
			.isTrue();
		assertThat(hashes.verifiable(
				"{django}pbkdf2_sha256$120000$tandemsalt1234$c06pyVIuO69kYisk7HOjYdB7MkqJSS6tMnIHZRMQSXM=")).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "{bcrypt}$2a$15$NNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNN",
			"{bcrypt}$2a$03$NNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNN",
			"{argon2}$argon2id$v=19$m=65537,t=2,p=1$" + SALT + "$" + SALT + SALT,
			"{argon2}$argon2id$v=19$m=16384,t=11,p=1$" + SALT + "$" + SALT + SALT,
			"{argon2}$argon2id$v=19$m=16384,t=2,p=17$" + SALT + "$" + SALT + SALT,
			"{argon2}$argon2id$v=19$m=16384,t=2,p=0$" + SALT + "$" + SALT + SALT,
			"{argon2}$argon2id$v=19$m=8,t=2,p=2$" + SALT + "$" + SALT + SALT,
			"{django}pbkdf2_sha256$10000001$tandemsalt1234$c06pyVIuO69k=" })
	void refusesHashesThatAskForMoreWorkOrMemoryThanTheirLimitOrLessThanTheirEncoderTakes(String stored) {
		assertThat(hashes.verifiable(stored)).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "{bcrypt}\u0000", "{bcrypt}$2a$10$short", "{pbkdf2@SpringSecurity_v5_8}zz",
			"{pbkdf2@SpringSecurity_v5_8}00", "{argon2}$argon2id$v=19$m=16384,t=2,p=1$" + SALT,
			"{django}pbkdf2_sha256$1000$salt\u0000$c06pyVIuO69k=", "{noop}secret", "{sha256}abc", "plain", "{bcrypt",
			"" })
	void refusesHashesOfUnknownKindsOrMalformed(String stored) {
		assertThat(hashes.verifiable(stored)).isFalse();
	}

	@Test
	void raisesTheArgon2LimitsToTheServicesOwnSettings() {
		PasswordHashes costly = new PasswordHashes(new PasswordSettings(16, 32, 1, 131072, 12));
		String ownHash = "{argon2}$argon2id$v=19$m=131072,t=12,p=1$" + SALT + "$" + SALT + SALT;

		assertThat(costly.verifiable(ownHash)).isTrue();
		assertThat(hashes.verifiable(ownHash)).isFalse();
	}
}
