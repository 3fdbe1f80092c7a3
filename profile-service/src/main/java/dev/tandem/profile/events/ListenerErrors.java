package dev.tandem.profile.events;

import dev.tandem.events.user.UserEvents;
import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * What happens when applying a batch fails: the database is down, say. The batch is retried with backoff (200 ms
 * doubling up to 10 s) for as long as it takes, without committing any offset, so no event is lost and none is
 * skipped. Records that can never succeed never get here: the listener dead-letters them itself.
 */
@Configuration(proxyBeanMethods = false)
class ListenerErrors {

	private static final Logger log = LoggerFactory.getLogger(ListenerErrors.class);

	@Bean
	DefaultErrorHandler listenerErrorHandler() {
		ExponentialBackOff backOff = new ExponentialBackOff(200, 2.0);
		backOff.setMaxInterval(10_000);
		DefaultErrorHandler handler = new DefaultErrorHandler((record, failure) -> log.error(
				"Gave up on {}-{}@{}; this should not happen with an unlimited backoff", record.topic(),
				record.partition(), record.offset(), failure), backOff);
		handler.setRetryListeners((record, failure, attempt) -> log.warn(
				"Applying user events failed (attempt {}), retrying: {}", attempt, failure.toString()));
		return handler;
	}

	/** The dead-letter topic, with as many partitions as the topic it serves. */
	@Bean
	NewTopic userEventsDeadLetters(DeadLetterSettings settings) {
		return TopicBuilder.name(UserEvents.TOPIC + DeadLetters.SUFFIX)
			.partitions(settings.partitions())
			.replicas(settings.replicas())
			.build();
	}

	@ConfigurationProperties("tandem.events")
	record DeadLetterSettings(@DefaultValue("6") int partitions, @DefaultValue("1") short replicas) {
	}
}
