package dev.tandem.identity.user;

import java.util.UUID;

import reactor.core.publisher.Mono;

/**
 * The identity provider users live in when it is not identity-service's own table (Keycloak): the table then mirrors
 * it, so that every change still writes its event in the table's transaction. Registration and the account changes
 * act here first; the mirror follows.
 */
public interface ExternalDirectory {

	/** What the directory is called in messages to clients, such as "Keycloak". */
	String name();

	/**
	 * Creates a user with a password credential.
	 *
	 * @return the user as the directory stored it (its id becomes Tandem's user id; it may have normalised the
	 *         username and email, lowercasing them, say); fails with {@link UsernameTaken}, {@link EmailTaken},
	 *         {@link WeakPassword} (the directory's password policy), {@link DirectoryRefused} (its other rules) or
	 *         {@link DirectoryUnavailable}
	 */
	Mono<Created> create(NewAccount account);

	/**
	 * Writes the user's email, names and whether it may sign in.
	 *
	 * @return fails with {@link EmailTaken}, {@link UserNotFound} or {@link DirectoryUnavailable}
	 */
	Mono<Void> update(User user);

	/** Removes the user; a user that is not there is fine. */
	Mono<Void> remove(UUID id);

	/** A user the directory created, as it stored it. */
	record Created(UUID id, String username, String email) {
	}

	/** A new user as registration gives it. */
	record NewAccount(String username, String email, String password, String firstName, String lastName) {

		@Override
		public String toString() {
			return "NewAccount[username=" + username + ", email=" + email + "]";
		}
	}
}
