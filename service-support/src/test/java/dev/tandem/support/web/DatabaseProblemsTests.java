package dev.tandem.support.web;

import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tandem.support.testing.SteppedClock;
import io.r2dbc.spi.R2dbcBadGrammarException;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcRollbackException;
import io.r2dbc.spi.R2dbcTimeoutException;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.r2dbc.BadSqlGrammarException;
import org.springframework.transaction.CannotCreateTransactionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatabaseProblemsTests {

	private final DatabaseProblems problems = new DatabaseProblems();

	@Test
	void aDatabaseThatRefusesConnectionsIsUnavailableForAWhile() throws Exception {
		ResponseEntity<ProblemDetail> answer = problems.databaseRefused(new CannotCreateTransactionException(
				"Could not open R2DBC Connection for transaction",
				new R2dbcNonTransientResourceException("Connection refused: /127.0.0.1:15432", "08003")));

		assertUnavailable(answer);
	}

	@Test
	void aServerShuttingDownOrRecoveringIsUnavailableForAWhile() throws Exception {
		// 57P01: terminating connection due to administrator command; 57P03: the database system is starting up;
		// 08006: connection failure; 53300: too many connections
		for (String state : new String[] { "57P01", "57P03", "08006", "53300" }) {
			assertUnavailable(problems.databaseRefused(new DataAccessResourceFailureException(state,
					new R2dbcNonTransientResourceException("the server went away", state))));
		}
	}

	@Test
	void aLockWaitedForTooLongIsUnavailableForAWhile() throws Exception {
		assertUnavailable(problems.databaseRefused(new R2dbcNonTransientResourceException(
				"canceling statement due to lock timeout", "55P03")));
	}

	@Test
	void aConnectionClosedUnderARequestIsUnavailableForAWhile() throws Exception {
		assertUnavailable(problems.databaseRefused(new R2dbcNonTransientResourceException("Connection closed", "08006")));
	}

	@Test
	void noConnectionHandedOutInTimeIsUnavailableForAWhile() throws Exception {
		assertUnavailable(problems.databaseRefused(new R2dbcTimeoutException("Timeout on acquiring a connection")));
	}

	@Test
	void aTransactionRolledBackInACollisionIsToBeSentAgainAtOnce() throws Exception {
		// 40P01: deadlock detected; 40001: could not serialize access due to concurrent update
		for (String state : new String[] { "40P01", "40001" }) {
			ResponseEntity<ProblemDetail> answer = problems.databaseRefused(new PessimisticLockingFailureException(
					"deadlock", new R2dbcRollbackException("deadlock detected", state)));

			assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
			assertThat(answer.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
			assertThat(answer.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
			assertThat(answer.getBody().getType().toString())
				.isEqualTo("https://tandem.dev/problems/transaction-conflict");
		}
	}

	@Test
	void aValueRefusedAsDataIsTheClientsMistake() throws Exception {
		ResponseEntity<ProblemDetail> answer = problems.databaseRefused(
				new R2dbcBadGrammarException("invalid byte sequence for encoding \"UTF8\": 0x00", "22021"));

		assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(answer.getBody().getType().toString()).isEqualTo("https://tandem.dev/problems/invalid-request");
	}

	@Test
	void anyOtherRefusalStaysTheServersError() {
		DataIntegrityViolationException duplicate = new DataIntegrityViolationException("duplicate key",
				new R2dbcDataIntegrityViolationException("duplicate key value violates unique constraint", "23505"));
		BadSqlGrammarException grammar = new BadSqlGrammarException("select", "selec 1",
				new R2dbcBadGrammarException("syntax error", "42601"));

		// The driver files states it has no class for, such as XX000 (an internal error), as resource failures.
		R2dbcNonTransientResourceException internal = new R2dbcNonTransientResourceException("internal error",
				"XX000");
		R2dbcNonTransientResourceException protocol = new R2dbcNonTransientResourceException("protocol violation",
				"08P01");

		assertThatThrownBy(() -> problems.databaseRefused(duplicate)).isSameAs(duplicate);
		assertThatThrownBy(() -> problems.databaseRefused(grammar)).isSameAs(grammar);
		assertThatThrownBy(() -> problems.databaseRefused(internal)).isSameAs(internal);
		assertThatThrownBy(() -> problems.databaseRefused(protocol)).isSameAs(protocol);
	}

	@Test
	void warnsOfAnOutageOnceInAWhileSayingHowManyAnswersWentUnlogged() throws Exception {
		SteppedClock clock = new SteppedClock();
		DatabaseProblems problems = new DatabaseProblems(clock);
		Logger logger = (Logger) LoggerFactory.getLogger(DatabaseProblems.class);
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		logger.addAppender(appender);
		try {
			for (int i = 0; i < 5; i++) {
				assertUnavailable(problems.databaseRefused(new R2dbcNonTransientResourceException("closed", "08006")));
			}
			clock.now = clock.now.plus(DatabaseProblems.WARN_EVERY);
			assertUnavailable(problems.databaseRefused(new R2dbcNonTransientResourceException("closed", "08006")));
		}
		finally {
			logger.detachAppender(appender);
		}

		List<String> warnings = appender.list.stream()
			.filter(event -> event.getLevel() == Level.WARN)
			.map(ILoggingEvent::getFormattedMessage)
			.toList();
		assertThat(warnings).hasSize(2);
		assertThat(warnings.get(0)).doesNotContain("more 503s");
		assertThat(warnings.get(1)).contains("(4 more 503s since the last warning)");
	}

	@Test
	void warnsOfAFullPoolABusyRowAndACollisionAsSuchNotAsAnOutage() throws Exception {
		Logger logger = (Logger) LoggerFactory.getLogger(DatabaseProblems.class);
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		logger.addAppender(appender);
		try {
			// Each from an advice of its own, so that each warns.
			new DatabaseProblems().databaseRefused(new R2dbcTimeoutException("Connection acquisition timed out"));
			new DatabaseProblems().databaseRefused(new R2dbcNonTransientResourceException("lock timeout", "55P03"));
			new DatabaseProblems().databaseRefused(new R2dbcNonTransientResourceException("closed", "08006"));
			new DatabaseProblems().databaseRefused(new R2dbcRollbackException("deadlock detected", "40P01"));
		}
		finally {
			logger.detachAppender(appender);
		}

		assertThat(appender.list.stream().map(ILoggingEvent::getFormattedMessage)).satisfiesExactly(
				pool -> assertThat(pool).contains("no pooled database connection was free in time"),
				row -> assertThat(row).contains("a row stayed locked"),
				outage -> assertThat(outage).contains("the database is unavailable"),
				collision -> assertThat(collision).contains("collided with another and was rolled back"));
	}

	private static void assertUnavailable(ResponseEntity<ProblemDetail> answer) {
		assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(answer.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("5");
		assertThat(answer.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(answer.getBody().getType().toString()).isEqualTo("https://tandem.dev/problems/database-unavailable");
	}
}
