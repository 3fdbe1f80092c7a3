package dev.tandem.profile;

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
 * profile-service on a real PostgreSQL database of its own and a real (embedded, KRaft) Kafka broker whose
 * user-events topic has one partition, so tests can reason about order.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}", "tandem.events.partitions=1",
				"management.tracing.sampling.probability=1.0" })
@AutoConfigureWebTestClient
@EmbeddedKafka(partitions = 1, topics = UserEvents.TOPIC)
@ContextConfiguration(initializers = { TestDatabase.class, TestIssuer.class })
public @interface ProfileIntegrationTest {
}
