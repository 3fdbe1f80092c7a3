package dev.tandem.identity.user;

/**
 * The identity provider users live in (Keycloak) did not answer or failed; nothing was changed here.
 */
public class DirectoryUnavailable extends RuntimeException {

	public DirectoryUnavailable(String directory, Throwable cause) {
		super(directory + " cannot be reached or failed: " + cause.getMessage(), cause);
	}
}
