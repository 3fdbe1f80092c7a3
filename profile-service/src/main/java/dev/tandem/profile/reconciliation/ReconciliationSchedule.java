package dev.tandem.profile.reconciliation;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Measures the drift regularly, for the log and the {@code tandem.profiles.drift} gauges; it repairs nothing, so
 * an alert can decide who looks first. Every replica may run it: it only reads.
 */
@Component
@ConditionalOnProperty(name = "tandem.reconciliation.enabled", havingValue = "true", matchIfMissing = true)
class ReconciliationSchedule {

	private static final Logger log = LoggerFactory.getLogger(ReconciliationSchedule.class);

	private final Reconciliation reconciliation;

	ReconciliationSchedule(Reconciliation reconciliation) {
		this.reconciliation = reconciliation;
	}

	@Scheduled(fixedDelayString = "${tandem.reconciliation.interval:1h}",
			initialDelayString = "${tandem.reconciliation.initial-delay:5m}")
	public Mono<Void> measureDrift() {
		return reconciliation.run(false).doOnNext(report -> {
			if (report.drift() > 0) {
				log.warn("Profiles drifted from users: {} missing, {} orphaned; POST /api/admin/reconciliation?repair=true "
						+ "repairs it", report.missingProfiles(), report.orphanedProfiles());
			}
		}).onErrorResume(failure -> {
			log.warn("Scheduled reconciliation could not run: {}", failure.toString());
			return Mono.empty();
		}).then();
	}
}
