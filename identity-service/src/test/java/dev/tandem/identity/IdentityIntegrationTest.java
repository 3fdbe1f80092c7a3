package dev.tandem.identity;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import dev.tandem.events.user.UserEvents;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.ContextConfiguration;

/**
 * identity-service on a real PostgreSQL database of its own and a real (embedded, KRaft) Kafka broker, with cheap
 * password hashing so tests measure behaviour, not Argon2.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
				"tandem.passwords.argon2.memory-kib=1024", "tandem.passwords.argon2.iterations=1",
				"tandem.tokens.signing-key.generate=true", "tandem.admin.username=root",
				"tandem.admin.email=root@example.com", "tandem.admin.password=" + IdentityIntegrationTest.ADMIN_PASSWORD,
				"tandem.events.partitions=2",
				"tandem.tokens.clients.profile-service.secret={bcrypt}$2a$10$hHV4ED3yGYDl10Zi0Ruv3uM/MynT24kGIZkHYBq3oX9PpfTxyHMn.",
				"tandem.tokens.clients.profile-service.scopes=users:read",
				"tandem.tokens.clients.mobile-app.secret={bcrypt}$2a$10$hHV4ED3yGYDl10Zi0Ruv3uM/MynT24kGIZkHYBq3oX9PpfTxyHMn.",
				"tandem.tokens.clients.mobile-app.scopes=profile",
				"tandem.tokens.clients.mobile-app.grant-types=password,refresh_token",
				"management.tracing.sampling.probability=1.0",
				// Tests delete expired records when they mean to, not when a schedule does it under their feet.
				"tandem.housekeeping.initial-delay=24h" })
@AutoConfigureWebTestClient
@EmbeddedKafka(partitions = 2, topics = UserEvents.TOPIC)
@ContextConfiguration(initializers = TestDatabase.class)
public @interface IdentityIntegrationTest {

	/** The password of the first admin, {@code root}, created at start-up from configuration. */
	String ADMIN_PASSWORD = "root has a long passphrase";
}
