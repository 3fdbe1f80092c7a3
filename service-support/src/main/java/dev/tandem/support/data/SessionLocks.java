package dev.tandem.support.data;

import io.r2dbc.postgresql.PostgresqlConnectionFactoryProvider;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import reactor.core.publisher.Mono;

import org.springframework.boot.r2dbc.autoconfigure.R2dbcConnectionDetails;

/**
 * PostgreSQL session-level advisory locks for work that one replica at a time may do, each held on a connection of
 * its own outside the pool: closing the connection releases the lock, however the work ends, and the work holds no
 * transaction open while it runs. TCP keepalive, so a connection whose peer vanished without a reset is noticed.
 */
public final class SessionLocks {

	private final ConnectionFactory connections;

	public SessionLocks(R2dbcConnectionDetails connectionDetails) {
		this.connections = direct(connectionDetails);
	}

	/** Connections to the service's database that bypass its pool, if it has one. */
	public static ConnectionFactory direct(R2dbcConnectionDetails connectionDetails) {
		ConnectionFactoryOptions options = connectionDetails.getConnectionFactoryOptions();
		ConnectionFactoryOptions.Builder direct = options.mutate()
			.option(PostgresqlConnectionFactoryProvider.TCP_KEEPALIVE, true);
		if ("pool".equals(options.getValue(ConnectionFactoryOptions.DRIVER))) {
			direct.option(ConnectionFactoryOptions.DRIVER,
					String.valueOf(options.getValue(ConnectionFactoryOptions.PROTOCOL)));
		}
		return ConnectionFactories.get(direct.build());
	}

	/**
	 * Runs {@code work} while holding the lock {@code key}, or {@code otherwise} when another session holds it. The
	 * lock is released when {@code work} ends, or is cancelled.
	 */
	public <T> Mono<T> whileHolding(long key, Mono<T> work, Mono<T> otherwise) {
		return Mono.usingWhen(Mono.from(connections.create()), connection -> tryLock(connection, key)
			.flatMap(locked -> locked ? work : otherwise), Connection::close);
	}

	private static Mono<Boolean> tryLock(Connection connection, long key) {
		return Mono.from(connection.createStatement("select pg_try_advisory_lock($1)").bind("$1", key).execute())
			.flatMap(result -> Mono.from(result.map((row, meta) -> Boolean.TRUE.equals(row.get(0, Boolean.class)))));
	}
}
