package dev.tandem.identity.user;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Cost of the Argon2id hash of new passwords. The defaults are Spring Security's recommended ones; lower them only
 * for benchmarks and tests, where hashing cost would hide what is measured.
 *
 * @param memoryKib memory per hash in KiB
 */
@ConfigurationProperties("tandem.passwords.argon2")
record PasswordSettings(@DefaultValue("16") int saltLength, @DefaultValue("32") int hashLength,
		@DefaultValue("1") int parallelism, @DefaultValue("16384") int memoryKib, @DefaultValue("2") int iterations) {
}
