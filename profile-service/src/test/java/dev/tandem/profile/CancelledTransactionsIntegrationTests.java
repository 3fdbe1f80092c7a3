package dev.tandem.profile;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A caller that gives up on a transaction (a client that hangs up, a timeout) must not leave it half done: a
 * transaction cancelled between its {@code BEGIN} and its end used to leave its pooled connection open in the
 * transaction, holding its locks, lost to the pool, or handed to the next caller whose statements then never
 * committed. Transactions now run to their end whoever waits for them.
 */
@ProfileIntegrationTest
class CancelledTransactionsIntegrationTests {

	@Autowired
	TransactionalOperator transactions;

	@Autowired
	DatabaseClient database;

	@Autowired
	ConnectionFactory connections;

	@Test
	void aTransactionWhoseCallerGaveUpEndsAndGivesItsConnectionBackClean() {
		List<UUID> written = Collections.synchronizedList(new ArrayList<>());
		// Callers giving up at every moment: before BEGIN, right after it, during the statements, at the commit;
		// many at once, as when a load balancer drops its connections.
		Flux.range(0, 400).flatMap(attempt -> {
			UUID userId = UUID.randomUUID();
			written.add(userId);
			return database.sql("select pg_sleep(0.01)")
				.then()
				.then(database.sql("insert into deleted_users (user_id, version) values (:id, 1)").bind("id", userId).then())
				.as(transactions::transactional)
				.timeout(Duration.ofMillis(attempt % 50))
				.onErrorResume(timedOut -> Mono.empty());
		}, 32).blockLast();

		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			assertThat(((ConnectionPool) connections).getMetrics().orElseThrow().acquiredSize()).isZero();
			assertThat(sessionsIdleInATransaction()).isZero();
		});
		// Every transaction ran to its end and committed, its caller gone or not.
		assertThat(database.sql("select count(*) from deleted_users where user_id = any(:ids)")
			.bind("ids", written.toArray(UUID[]::new))
			.map(row -> row.get(0, Long.class))
			.one()
			.block()).isEqualTo(written.size());
		// And the connections work: a statement on each commits on its own.
		UUID afterwards = UUID.randomUUID();
		database.sql("insert into deleted_users (user_id, version) values (:id, 1)").bind("id", afterwards).then().block();
		assertThat(sessionsIdleInATransaction()).isZero();
	}

	@Test
	void aStatementWhoseCallerGaveUpGivesItsConnectionBack() {
		Flux.range(0, 400)
			.flatMap(attempt -> database.sql("select pg_sleep(0.01)")
				.then()
				.timeout(Duration.ofMillis(attempt % 20))
				.onErrorResume(timedOut -> Mono.empty()), 32)
			.blockLast();

		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			assertThat(((ConnectionPool) connections).getMetrics().orElseThrow().acquiredSize()).isZero();
			assertThat(sessionsIdleInATransaction()).isZero();
		});
	}

	private long sessionsIdleInATransaction() {
		return database.sql("""
				select count(*) from pg_stat_activity
				where datname = current_database() and state like 'idle in transaction%' and pid <> pg_backend_pid()""")
			.map(row -> row.get(0, Long.class))
			.one()
			.block();
	}
}
