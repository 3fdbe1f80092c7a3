package dev.tandem.identity.user;

import java.util.UUID;

/**
 * An identity provider's user whose username, email or names are longer than the user events carry (the provider's
 * limits can be longer: Keycloak's are 255 characters): mirrored, it would make events that profile-service refuses.
 * The user is left as it was and counted as failed by the sync, which tries it again each time, until the provider's
 * values fit.
 */
public class UnmirrorableUser extends RuntimeException {

	UnmirrorableUser(UUID id, String reason) {
		super("User " + id + " cannot be mirrored: " + reason);
	}
}
