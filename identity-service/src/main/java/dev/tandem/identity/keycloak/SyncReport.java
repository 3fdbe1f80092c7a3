package dev.tandem.identity.keycloak;

/**
 * What a sync with Keycloak found and did.
 *
 * @param ran false when another replica was syncing at that moment, and nothing was done here
 * @param users how many users the realm listed
 * @param created users Keycloak had that the mirror had never seen: each got {@code UserCreated}
 * @param updated users whose username, email, names or enabled flag changed in Keycloak: each got {@code UserUpdated}
 * @param deleted users gone from Keycloak: each got {@code UserDeleted}
 * @param deferred users created in the last moments, left to the next sync
 * @param unsupported users whose Keycloak id is not a UUID (federated without import), which cannot be mirrored
 * @param failed users the mirror could not take this time (a name another mirrored user still holds)
 * @param deletionsRefused users not deleted although Keycloak no longer lists them, because they were most of the
 *        mirror (see {@code tandem.keycloak.allow-mass-deletion})
 */
public record SyncReport(boolean ran, long users, long created, long updated, long deleted, long deferred,
		long unsupported, long failed, long deletionsRefused, long millis) {

	static SyncReport notRun(long millis) {
		return new SyncReport(false, 0, 0, 0, 0, 0, 0, 0, 0, millis);
	}
}
