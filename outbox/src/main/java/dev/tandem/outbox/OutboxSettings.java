package dev.tandem.outbox;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the outbox relay works.
 *
 * @param relayEnabled whether this replica takes part in relaying at all (the outbox is written either way)
 * @param pollInterval how often the relay looks for events when no notification woke it (the fallback)
 * @param batchSize how many events one publish round sends before marking them published
 * @param sendTimeout how long a round waits for the broker to acknowledge its batch
 * @param maxBackoff the longest pause between rounds while the broker or database fails
 * @param leadershipCheck how often a replica that does not relay tries to take over; a dead relay's lock is released
 *        with its database connection, so a survivor takes over within this interval
 * @param retention how long after it occurred a published event stays in the table; unpublished ones stay until
 *        they are published
 * @param metricsInterval how often the backlog and the age of the oldest unpublished event are measured
 */
@ConfigurationProperties("tandem.outbox")
public record OutboxSettings(@DefaultValue("true") boolean relayEnabled, @DefaultValue("5s") Duration pollInterval,
		@DefaultValue("500") int batchSize, @DefaultValue("30s") Duration sendTimeout,
		@DefaultValue("10s") Duration maxBackoff, @DefaultValue("2s") Duration leadershipCheck,
		@DefaultValue("7d") Duration retention, @DefaultValue("5s") Duration metricsInterval) {
}
