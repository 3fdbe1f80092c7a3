package dev.tandem.support.web;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import dev.tandem.support.logging.RateLimitedWarnings;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.R2dbcTransientResourceException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.TransactionException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * What the database's refusals mean to a client.
 * <ul>
 * <li>A value refused as data (SQLSTATE class 22, such as a NUL character in text) is bad input, not a server fault:
 * {@code 400}.</li>
 * <li>A database that cannot be reached, is shutting down, crashed or is still recovering (no connection, a connection
 * lost, too many connections), a pool whose connections all stayed busy for longer than a request waits for one
 * ({@code spring.r2dbc.pool.max-acquire-time}), or a row locked for longer than its transaction would wait, is a
 * request that was fine at the wrong moment: {@code 503} with {@code Retry-After}. A write whose connection was lost
 * mid-way may have been committed, so the same request sent again may find it done: a sign-up is then a {@code 409},
 * an edit with {@code If-Match} a {@code 412}, and a refresh token sent twice revokes its sessions, as any reuse
 * does.</li>
 * <li>A transaction PostgreSQL rolled back because it collided with another (a deadlock, 40P01, or a serialization
 * failure, 40001) is one the same request sent again is likely to pass: {@code 503} with {@code Retry-After: 1}.</li>
 * </ul>
 * Anything else from the database stays an error of ours. A service's own advice is asked first (this one comes
 * last), so a service may still answer a database refusal its own way.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class DatabaseProblems {

	/**
	 * How often an outage is logged: every request answered {@code 503} would otherwise log a warning of its own,
	 * thousands a minute while the database is down.
	 */
	static final Duration WARN_EVERY = Duration.ofSeconds(10);

	private static final Logger log = LoggerFactory.getLogger(DatabaseProblems.class);

	private static final String LOCK_NOT_AVAILABLE = "55P03";

	private static final Set<String> ROLLED_BACK_IN_A_COLLISION = Set.of("40001", "40P01");

	private final RateLimitedWarnings warnings;

	public DatabaseProblems() {
		this(Clock.systemUTC());
	}

	DatabaseProblems(Clock clock) {
		this.warnings = new RateLimitedWarnings(log, WARN_EVERY, "503s", clock);
	}

	/**
	 * Spring's exceptions from R2DBC, the reactive transaction manager's for a connection it could not get, and the
	 * driver's own where nothing translated them: each is answered by the first driver exception among its causes, or
	 * thrown on.
	 */
	@ExceptionHandler({ DataAccessException.class, TransactionException.class, R2dbcException.class })
	ResponseEntity<ProblemDetail> databaseRefused(Exception ex) throws Exception {
		return answer(ex).orElseThrow(() -> ex);
	}

	private Optional<ResponseEntity<ProblemDetail>> answer(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof R2dbcException r2dbc) {
				String state = r2dbc.getSqlState();
				if (state != null && state.startsWith("22")) {
					return Optional.of(invalid(r2dbc));
				}
				if (rolledBackInACollision(state)) {
					warnOf503(r2dbc);
					return Optional.of(TryAgainLater.problem("https://tandem.dev/problems/transaction-conflict",
							"Transaction conflict", "The request collided with a concurrent change, and its transaction was "
									+ "rolled back; send it again.", Duration.ofSeconds(1)));
				}
				if (unavailable(r2dbc, state)) {
					warnOf503(r2dbc);
					return Optional.of(TryAgainLater.problem("https://tandem.dev/problems/database-unavailable",
							"Database unavailable", "The database cannot serve this request right now; try again shortly."));
				}
			}
		}
		return Optional.empty();
	}

	private void warnOf503(R2dbcException ex) {
		warnings.warn("Answering 503, " + why(ex), ex);
	}

	private static boolean rolledBackInACollision(@Nullable String state) {
		return state != null && ROLLED_BACK_IN_A_COLLISION.contains(state);
	}

	private static String why(R2dbcException ex) {
		if (rolledBackInACollision(ex.getSqlState())) {
			return "a transaction collided with another and was rolled back";
		}
		if (LOCK_NOT_AVAILABLE.equals(ex.getSqlState())) {
			return "a row stayed locked longer than its transaction would wait";
		}
		if (ex instanceof R2dbcTimeoutException && (ex.getSqlState() == null || ex.getSqlState().isEmpty())) {
			return "no pooled database connection was free in time";
		}
		return "the database is unavailable";
	}

	/**
	 * By SQLSTATE: connection exceptions (08, which the driver also gives its own failures: 08003 for a connection
	 * refused, 08006 for one closed or broken), insufficient resources such as too many connections (53), a server
	 * shutting down, crashed or starting up (57P), and a lock waited for longer than the transaction's
	 * {@code lock_timeout} allows (55P03: the row is busy right now). Not 08P01, a protocol violation: a bug, not an
	 * outage. The driver files every state it has no class for as a resource failure, so the class alone is read only
	 * for failures with no state, such as the pool not handing out a connection in time.
	 */
	private static boolean unavailable(R2dbcException ex, @Nullable String state) {
		if (state != null && !state.isEmpty()) {
			return (state.startsWith("08") && !state.equals("08P01")) || state.startsWith("53")
					|| state.startsWith("57P") || state.equals(LOCK_NOT_AVAILABLE);
		}
		return ex instanceof R2dbcNonTransientResourceException || ex instanceof R2dbcTransientResourceException
				|| ex instanceof R2dbcTimeoutException;
	}

	private static ResponseEntity<ProblemDetail> invalid(R2dbcException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
				"A value in the request cannot be stored: " + ex.getMessage());
		problem.setType(URI.create("https://tandem.dev/problems/invalid-request"));
		problem.setTitle("Invalid request");
		return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
	}
}
