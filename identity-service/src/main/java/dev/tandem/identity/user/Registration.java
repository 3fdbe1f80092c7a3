package dev.tandem.identity.user;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import dev.tandem.events.EventJson;
import dev.tandem.events.user.UserCreated;
import dev.tandem.events.user.UserEvents;
import dev.tandem.identity.outbox.Outbox;
import io.r2dbc.postgresql.api.PostgresqlException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Registers users: the user row and its {@code UserCreated} event are written in one transaction, so a user never
 * exists without the event that gives it a profile, and Kafka is never called inside the request.
 */
@Service
class Registration {

	private final Users users;

	private final Outbox outbox;

	private final PasswordEncoder passwords;

	private final TransactionalOperator transactions;

	private final Clock clock;

	Registration(Users users, Outbox outbox, PasswordEncoder passwords, TransactionalOperator transactions,
			Clock clock) {
		this.users = users;
		this.outbox = outbox;
		this.passwords = passwords;
		this.transactions = transactions;
		this.clock = clock;
	}

	/**
	 * Registers a user from a validated request.
	 *
	 * @return the new user; fails with {@link UsernameTaken} or {@link EmailTaken} when another user has either
	 */
	Mono<User> register(RegistrationRequest request) {
		String username = Objects.requireNonNull(request.username()).strip();
		String email = Objects.requireNonNull(request.email()).strip();
		// Hashing costs tens of milliseconds of CPU by design: keep it off the event loop.
		return Mono.fromCallable(() -> passwords.encode(request.password()))
			.subscribeOn(Schedulers.boundedElastic())
			.flatMap(hash -> {
				Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
				User user = new User(UUID.randomUUID(), username, email, hash, blankIfNull(request.firstName()),
						blankIfNull(request.lastName()), true, false, List.of(), now, null, 1);
				UserCreated created = new UserCreated(user.id(), user.version(), now, user.username(), user.email(),
						user.firstName(), user.lastName(), user.active(), request.profile());
				return users.insert(user)
					.then(outbox.append(UserEvents.TOPIC, user.id().toString(),
							UserEvents.envelope(UUID.randomUUID(), created), EventJson.write(created)))
					.thenReturn(user)
					.as(transactions::transactional);
			})
			.onErrorMap(ex -> isViolationOf(ex, "users_username_key"), ex -> new UsernameTaken(username))
			.onErrorMap(ex -> isViolationOf(ex, "users_email_key"), ex -> new EmailTaken(email));
	}

	private static boolean isViolationOf(Throwable failure, String constraint) {
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
