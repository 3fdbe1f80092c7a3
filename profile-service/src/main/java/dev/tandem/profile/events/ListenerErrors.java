package dev.tandem.profile.events;

import dev.tandem.events.MalformedEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * What happens when handling an event fails. A transient failure (the database is down) is retried with backoff
 * for as long as it takes, without committing the offset, so no event is lost. An event that can never succeed
 * (undecodable, unknown type) is logged with its coordinates and skipped, so the partition keeps moving.
 */
@Configuration(proxyBeanMethods = false)
class ListenerErrors {

	private static final Logger log = LoggerFactory.getLogger(ListenerErrors.class);

	@Bean
	DefaultErrorHandler listenerErrorHandler() {
		ExponentialBackOff backOff = new ExponentialBackOff(200, 2.0);
		backOff.setMaxInterval(10_000);
		DefaultErrorHandler handler = new DefaultErrorHandler((record, failure) -> log.error(
				"Skipping event that can never be processed: topic {} partition {} offset {}: {}", record.topic(),
				record.partition(), record.offset(), NestedExceptionUtils.getMostSpecificCause(failure).getMessage()), backOff);
		handler.addNotRetryableExceptions(MalformedEvent.class, DeserializationException.class);
		return handler;
	}
}
