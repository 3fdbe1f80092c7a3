package dev.tandem.identity.user;

/**
 * The request asks identity-service for something the identity provider (Keycloak) owns, such as a password or
 * roles; it is done there.
 */
public class ManagedByDirectory extends RuntimeException {

	public ManagedByDirectory(String message) {
		super(message);
	}
}
