package dev.tandem.identity.user;

import dev.tandem.identity.IdentityIntegrationTest;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Result;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every login looks a user up by username or email: the plan a prepared statement keeps for it must be able to use
 * the unique indexes (here sequential scans are priced out, so a plan that still has one has no index it can use).
 * Whether PostgreSQL then prefers them on a large table is its estimate's business, which a test database of a few
 * hundred users cannot show; the benchmark's sign-ups can (see {@link Users#LOGIN_TAKEN}).
 */
@IdentityIntegrationTest
class LoginQueryPlanIntegrationTests {

	@Autowired
	ConnectionFactory connections;

	@ParameterizedTest
	@ValueSource(strings = { Users.FIND_BY_LOGIN, Users.LOGIN_TAKEN })
	void findsAUserByLoginThroughTheUniqueIndexes(String query) {
		String sql = query.replace(":login", "$1").replace(":except", "$2::uuid");

		String plan = Mono.usingWhen(Mono.from(connections.create()),
				connection -> Mono.from(connection.beginTransaction())
					.then(values(connection, "set local enable_seqscan = off"))
					// The plan a prepared statement keeps, made for any parameters; explained by a function of this
					// transaction, handed the statement as a value: the driver would take its placeholders for
					// parameters of the EXPLAIN itself.
					.then(values(connection, "create function pg_temp.generic_plan(statement text) returns text "
							+ "language plpgsql as 'declare plan text; begin execute ''explain (generic_plan, format json) '' || "
							+ "statement into plan; return plan; end'"))
					.then(Mono.from(connection.createStatement("select pg_temp.generic_plan($1)").bind("$1", sql)
						.execute()).flatMap(result -> Mono.from(result.map((row, meta) -> row.get(0, String.class)))))
					.flatMap(found -> Mono.from(connection.rollbackTransaction()).thenReturn(found)),
				Connection::close)
			.block();

		assertThat(plan).as(sql)
			.doesNotContain("\"Seq Scan\"")
			.contains("\"Index Name\": \"users_username_key\"")
			.contains("\"Index Name\": \"users_email_key\"");
	}

	private static Mono<Void> values(Connection connection, String sql) {
		Publisher<? extends Result> results = connection.createStatement(sql).execute();
		return Flux.from(results).flatMap(Result::getRowsUpdated).then();
	}
}
