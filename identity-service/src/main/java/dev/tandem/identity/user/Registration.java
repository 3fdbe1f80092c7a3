package dev.tandem.identity.user;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import io.r2dbc.postgresql.api.PostgresqlException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Registers users: the user row and its {@code UserCreated} event are written in one transaction, so a user never
 * exists without the event that gives it a profile, and Kafka is never called inside the request.
 */
@Service
class Registration {

	private static final Logger log = LoggerFactory.getLogger(Registration.class);

	private final Users users;

	private final UserEventOutbox events;

	private final PasswordEncoder passwords;

	private final PasswordPolicy policy;

	private final TransactionalOperator transactions;

	private final Clock clock;

	private final @Nullable ExternalDirectory directory;

	Registration(Users users, UserEventOutbox events, PasswordEncoder passwords, PasswordPolicy policy,
			TransactionalOperator transactions, Clock clock, ObjectProvider<ExternalDirectory> directory) {
		this.users = users;
		this.events = events;
		this.passwords = passwords;
		this.policy = policy;
		this.transactions = transactions;
		this.clock = clock;
		this.directory = directory.getIfAvailable();
	}

	/**
	 * Registers a user from a validated request.
	 *
	 * @return the new user; fails with {@link WeakPassword}, {@link UsernameTaken} or {@link EmailTaken}
	 */
	Mono<User> register(RegistrationRequest request) {
		return register(request, List.of());
	}

	/** Registers a user with the given roles; the first admin is made this way. */
	Mono<User> register(RegistrationRequest request, List<String> roles) {
		String username = Objects.requireNonNull(request.username()).strip();
		String email = Objects.requireNonNull(request.email()).strip();
		String password = Objects.requireNonNull(request.password());
		if (directory != null) {
			return registerIn(directory, request, username, email, password);
		}
		// The policy and the hash cost milliseconds of CPU by design: keep them off the event loop.
		return Mono.fromCallable(() -> {
			policy.check(password, username, email, "password");
			return passwords.encode(password);
		}).subscribeOn(Schedulers.boundedElastic()).flatMap(hash -> {
			Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
			User user = new User(UUID.randomUUID(), username, email, hash, blankIfNull(request.firstName()),
					blankIfNull(request.lastName()), true, false, roles, now, null, 1);
			// A username that is someone's email, or an email that is someone's username, would make one login name
			// two users.
			return users.loginTaken(username, null)
				.flatMap(taken -> taken ? Mono.error(new UsernameTaken(username)) : users.loginTaken(email, null))
				.flatMap(taken -> taken ? Mono.<Void>error(new EmailTaken(email)) : users.insert(user))
				.then(events.created(user, request.profile()))
				.thenReturn(user)
				.as(transactions::transactional);
		})
			.onErrorMap(ex -> isViolationOf(ex, "users_username_key"), ex -> new UsernameTaken(username))
			.onErrorMap(ex -> isViolationOf(ex, "users_email_key"), ex -> new EmailTaken(email));
	}

	/**
	 * Registers a user in the identity provider first (its password policy and uniqueness decide), then writes the
	 * mirror row and {@code UserCreated} in one transaction under the provider's id. When that transaction fails, the
	 * provider's user is removed again, so no user exists there without its event here.
	 */
	private Mono<User> registerIn(ExternalDirectory directory, RegistrationRequest request, String username,
			String email, String password) {
		String firstName = blankIfNull(request.firstName());
		String lastName = blankIfNull(request.lastName());
		return directory.create(new ExternalDirectory.NewAccount(username, email, password, firstName, lastName))
			.flatMap(created -> {
				UUID id = created.id();
				User user = new User(id, created.username(), created.email(), null, firstName, lastName, true, false,
						List.of(), clock.instant().truncatedTo(ChronoUnit.MICROS), null, 1);
				return users.insert(user)
					.then(events.created(user, request.profile()))
					.thenReturn(user)
					.as(transactions::transactional)
					// A sync that ran in between mirrored the user already, with its UserCreated: that is the user.
					.onErrorResume(ex -> isViolationOf(ex, "users_pkey"), ex -> {
						log.warn("User {} was mirrored by a sync while registering; its registration values are not "
								+ "in its UserCreated", id);
						return users.findById(id);
					})
					.onErrorResume(failure -> directory.remove(id)
						.doOnSuccess(removed -> log.warn("Removed user {} from {} again: storing it here failed: {}",
								id, directory.name(), failure.toString()))
						.onErrorResume(removal -> {
							log.error("User {} is in {} but could not be stored here nor removed there; the next "
									+ "sync gives it its event", id, directory.name(), removal);
							return Mono.empty();
						})
						.then(Mono.error(failure)));
			})
			.onErrorMap(ex -> isViolationOf(ex, "users_username_key"), ex -> new UsernameTaken(username))
			.onErrorMap(ex -> isViolationOf(ex, "users_email_key"), ex -> new EmailTaken(email));
	}

	/** Whether {@code failure} is PostgreSQL refusing a row for the named unique index or constraint. */
	static boolean isViolationOf(Throwable failure, String constraint) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof PostgresqlException postgres
					&& postgres.getErrorDetails().getConstraintName().filter(constraint::equals).isPresent()) {
				return true;
			}
		}
		return false;
	}

	private static String blankIfNull(@Nullable String value) {
		return value == null ? "" : value.strip();
	}
}
