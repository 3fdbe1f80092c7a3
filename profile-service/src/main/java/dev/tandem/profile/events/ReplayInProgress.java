package dev.tandem.profile.events;

/**
 * A replay of the dead letters is already under way, on this replica or another: a second one at the same time
 * would send the same dead letters again.
 */
public class ReplayInProgress extends RuntimeException {

	ReplayInProgress() {
		super("The dead letters are being replayed already; see how far it got with GET /api/admin/dead-letters once "
				+ "it is done.");
	}
}
