package dev.tandem.identity.user;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;

import dev.tandem.support.web.VersionTags;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Changes to existing accounts. Each change locks the user's row, advances its version and, when it touches a fact
 * other services hold (email, names, active), writes {@code UserUpdated} or {@code UserDeleted} to the outbox in the
 * same transaction. With an identity provider (Keycloak) each change is made there first; passwords and roles are
 * then the provider's.
 */
@Service
class Accounts {

	private final Users users;

	private final UserEventOutbox events;

	private final PasswordEncoder passwords;

	private final PasswordPolicy policy;

	private final Sessions sessions;

	private final TransactionalOperator transactions;

	private final @Nullable ExternalDirectory directory;

	Accounts(Users users, UserEventOutbox events, PasswordEncoder passwords, PasswordPolicy policy, Sessions sessions,
			TransactionalOperator transactions, ObjectProvider<ExternalDirectory> directory) {
		this.users = users;
		this.events = events;
		this.passwords = passwords;
		this.policy = policy;
		this.sessions = sessions;
		this.transactions = transactions;
		this.directory = directory.getIfAvailable();
	}

	Mono<User> find(UUID id) {
		return users.findById(id).switchIfEmpty(Mono.error(() -> new UserNotFound(id)));
	}

	/**
	 * @param ifMatch the {@code If-Match} header, or null to change whatever the current version is
	 */
	Mono<User> changeOwn(UUID id, AccountChanges.OwnChanges changes, @Nullable String ifMatch) {
		return change(id, changes.email(), ifMatch, user -> user.changed(orElse(changes.email(), user.email()),
				orElse(changes.firstName(), user.firstName()), orElse(changes.lastName(), user.lastName()),
				user.active(), user.roles()));
	}

	/**
	 * @param ifMatch the {@code If-Match} header, or null to change whatever the current version is
	 */
	Mono<User> changeByAdmin(UUID id, AccountChanges.AdminChanges changes, @Nullable String ifMatch) {
		return change(id, changes.email(), ifMatch, user -> user.changed(orElse(changes.email(), user.email()),
				orElse(changes.firstName(), user.firstName()), orElse(changes.lastName(), user.lastName()),
				changes.active() == null ? user.active() : changes.active(),
				changes.roles() == null ? user.roles() : List.copyOf(new LinkedHashSet<>(changes.roles()))));
	}

	/** Sets a new password after checking the current one; every session of the user ends. */
	Mono<Void> changePassword(UUID id, AccountChanges.PasswordChange change) {
		if (directory != null) {
			return Mono.error(new ManagedByDirectory("Passwords are managed in " + directory.name()
					+ ": change yours in its account console."));
		}
		String current = Objects.requireNonNull(change.currentPassword());
		String next = Objects.requireNonNull(change.newPassword());
		return find(id).publishOn(Schedulers.boundedElastic()).map(user -> {
			if (user.passwordHash() == null || !passwords.matches(current, user.passwordHash())) {
				throw new WrongCurrentPassword();
			}
			policy.check(next, user.username(), user.email(), "newPassword");
			return passwords.encode(next);
		})
			.flatMap(hash -> users.lock(id)
				.flatMap(user -> users.update(user.withPasswordHash(hash)))
				.then(sessions.endAll(id))
				.as(transactions::transactional));
	}

	/** Deletes the user and writes {@code UserDeleted}; its sessions go with it. The last active admin stays. */
	Mono<Void> delete(UUID id) {
		return users.lock(id)
			.switchIfEmpty(Mono.error(() -> new UserNotFound(id)))
			.flatMap(user -> keepsAnAdmin(user, null).thenReturn(user))
			.flatMap(user -> (directory == null ? Mono.<Void>empty() : directory.remove(id))
				.then(users.delete(id))
				.then(events.deleted(user.changed(user.email(), user.firstName(), user.lastName(), user.active(),
						user.roles()))))
			.as(transactions::transactional);
	}

	private Mono<User> change(UUID id, @Nullable String requestedEmail, @Nullable String ifMatch,
			UnaryOperator<User> change) {
		return users.lock(id).switchIfEmpty(Mono.error(() -> new UserNotFound(id))).flatMap(before -> {
			// Checked under the row's lock: no change can come between the check and this one.
			if (ifMatch != null && !VersionTags.matches(ifMatch, before.version())) {
				return Mono.error(new StaleUser(ifMatch, before.version()));
			}
			User after = change.apply(before);
			Set<String> changed = changedFacts(before, after);
			if (changed.isEmpty() && before.roles().equals(after.roles())) {
				return Mono.just(before);
			}
			if (directory != null && !before.roles().equals(after.roles())) {
				return Mono.error(new ManagedByDirectory(
						"Roles are managed in " + directory.name() + ": grant realm roles there."));
			}
			// The provider first: if it refuses (an email taken there), nothing changes here. If this transaction
			// fails after it accepted, the next sync brings the mirror in line and writes the event.
			Mono<Void> written = keepsAnAdmin(before, after)
				.then(directory != null || before.email().equalsIgnoreCase(after.email()) ? Mono.<Void>empty()
						: emailFree(after.email(), id))
				.then(directory == null ? Mono.<Void>empty() : directory.update(after))
				.then(users.update(after));
			if (!changed.isEmpty()) {
				written = written.then(events.updated(after, changed));
			}
			if (before.active() && !after.active()) {
				written = written.then(sessions.endAll(id));
			}
			return written.thenReturn(after);
		})
			.as(transactions::transactional)
			// The unique index re-checks an email change, race-safe like registration.
			.onErrorMap(ex -> Registration.isViolationOf(ex, "users_email_key"),
					ex -> new EmailTaken(String.valueOf(requestedEmail)));
	}

	/** Fails with {@link EmailTaken} if another user logs in with {@code email}, as its email or its username. */
	private Mono<Void> emailFree(String email, UUID id) {
		return users.loginTaken(email, id).flatMap(taken -> taken ? Mono.error(new EmailTaken(email)) : Mono.empty());
	}

	/**
	 * Fails with {@link LastAdmin} when {@code before} is an active admin and {@code after} (null for a deletion) is
	 * not, and no other active admin exists.
	 */
	private Mono<Void> keepsAnAdmin(User before, @Nullable User after) {
		boolean removesAnAdmin = before.active() && before.isAdmin() && (after == null || !after.active()
				|| !after.isAdmin());
		if (!removesAnAdmin) {
			return Mono.empty();
		}
		return users.anotherActiveAdmin(before.id())
			.flatMap(another -> another ? Mono.<Void>empty() : Mono.error(new LastAdmin(before.id())));
	}

	private static Set<String> changedFacts(User before, User after) {
		Set<String> changed = new LinkedHashSet<>();
		if (!before.email().equals(after.email())) {
			changed.add("email");
		}
		if (!before.firstName().equals(after.firstName())) {
			changed.add("firstName");
		}
		if (!before.lastName().equals(after.lastName())) {
			changed.add("lastName");
		}
		if (before.active() != after.active()) {
			changed.add("active");
		}
		return changed;
	}

	private static String orElse(@Nullable String value, String current) {
		return value == null ? current : value.strip();
	}
}
