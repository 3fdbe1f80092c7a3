package dev.tandem.identity.user;

import java.util.UUID;

/**
 * The change would leave no active admin: nobody could then manage users, and restarting would not make a new one
 * (the first admin is made only while no user has the role). Another admin has to exist first.
 */
public class LastAdmin extends RuntimeException {

	LastAdmin(UUID id) {
		super("User " + id + " is the last active admin; make another user an admin before deactivating, demoting or "
				+ "deleting this one.");
	}
}
