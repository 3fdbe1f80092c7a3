package dev.tandem.identity.user;

import java.util.Map;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.crypto.password.Pbkdf2PasswordEncoder;

/**
 * Passwords are hashed with Argon2id and stored with their algorithm's id ({@code {argon2}...}), so the algorithm
 * or its cost can change later while older hashes still verify: bcrypt, PBKDF2 and imported Django hashes
 * ({@code {django}pbkdf2_sha256$...}) are verified and replaced by an Argon2id hash at the next login.
 */
@Configuration(proxyBeanMethods = false)
class PasswordHashing {

	static final String CURRENT = "argon2";

	@Bean
	PasswordHashes passwordHashes(PasswordSettings settings) {
		return new PasswordHashes(settings);
	}

	/** At most one hash per core at a time, and only of stored hashes within their limits ({@link PasswordHashes}). */
	@Bean
	PasswordEncoder passwordEncoder(PasswordSettings settings, PasswordHashes hashes) {
		Map<String, PasswordEncoder> encoders = Map.of(
				CURRENT, new Argon2PasswordEncoder(settings.saltLength(), settings.hashLength(), settings.parallelism(),
						settings.memoryKib(), settings.iterations()),
				"bcrypt", new BCryptPasswordEncoder(),
				"pbkdf2@SpringSecurity_v5_8", Pbkdf2PasswordEncoder.defaultsForSpringSecurity_v5_8(),
				DjangoPasswordEncoder.ID, new DjangoPasswordEncoder());
		return new BoundedPasswordEncoder(new DelegatingPasswordEncoder(CURRENT, encoders), hashes,
				Runtime.getRuntime().availableProcessors());
	}
}
