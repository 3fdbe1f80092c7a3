package dev.tandem.identity.outbox;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the outbox relay works.
 *
 * @param pollInterval how often the relay looks for events when no notification woke it (the fallback)
 * @param batchSize how many events one publish round sends before marking them published
 * @param sendTimeout how long a round waits for the broker to acknowledge its batch
 * @param maxBackoff the longest pause between rounds while the broker or database fails
 */
@ConfigurationProperties("tandem.outbox")
public record OutboxSettings(@DefaultValue("5s") Duration pollInterval, @DefaultValue("500") int batchSize,
		@DefaultValue("30s") Duration sendTimeout, @DefaultValue("10s") Duration maxBackoff) {
}
