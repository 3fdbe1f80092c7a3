/**
 * Reconciliation: the check that every user has exactly one profile and no profile outlives its user, comparing
 * this service's profiles with identity-service's users, and the repair of any drift.
 */
@NullMarked
package dev.tandem.profile.reconciliation;

import org.jspecify.annotations.NullMarked;
