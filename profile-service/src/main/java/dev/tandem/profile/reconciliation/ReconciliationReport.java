package dev.tandem.profile.reconciliation;

import java.util.List;
import java.util.UUID;

/**
 * What a reconciliation found (and, when asked, repaired).
 *
 * @param users users identity-service has
 * @param profiles profiles this service has
 * @param missingProfiles users without a profile
 * @param orphanedProfiles profiles without a user
 * @param missingSample, orphanedSample the first ids of each, at most {@value Reconciliation#SAMPLE}
 * @param repaired whether the missing profiles were created and the orphaned ones removed
 * @param millis how long it took
 */
record ReconciliationReport(long users, long profiles, long missingProfiles, long orphanedProfiles,
		List<UUID> missingSample, List<UUID> orphanedSample, boolean repaired, long millis) {

	long drift() {
		return missingProfiles + orphanedProfiles;
	}
}
