package dev.tandem.profile.reconciliation;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long a user may be without a profile before a reconciliation counts it as drift.
 *
 * @param grace how long after a reconciliation first finds a user without a profile it looks again; a user whose
 *        {@code UserCreated} was still on its way (in the outbox, in Kafka, in the consumer's batch) has one by
 *        then and is not counted
 * @param maxRechecked the most users one reconciliation holds for that second look; beyond them (a consumer far
 *        behind, say) users without a profile are counted at once
 */
@ConfigurationProperties("tandem.reconciliation")
record ReconciliationSettings(@DefaultValue("30s") Duration grace, @DefaultValue("10000") int maxRechecked) {

	ReconciliationSettings {
		if (grace.isNegative()) {
			throw new IllegalArgumentException("tandem.reconciliation.grace must not be negative");
		}
		if (maxRechecked < 0) {
			throw new IllegalArgumentException("tandem.reconciliation.max-rechecked must not be negative");
		}
	}
}
