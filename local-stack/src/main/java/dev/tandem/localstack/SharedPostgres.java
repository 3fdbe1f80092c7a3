package dev.tandem.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * One real PostgreSQL server per JVM for test suites, started on first use and removed at exit. Each caller gets a
 * database of its own, so test contexts that run side by side never see each other's rows.
 */
public final class SharedPostgres {

	private static final AtomicInteger databases = new AtomicInteger();

	private static @Nullable PostgresServer server;

	private SharedPostgres() {
	}

	/** Creates a new, empty database whose name starts with {@code prefix}. */
	public static PostgresServer.Database newDatabase(String prefix) {
		try {
			return server().database(prefix + "_" + databases.incrementAndGet());
		}
		catch (SQLException ex) {
			throw new IllegalStateException("could not create a test database", ex);
		}
	}

	/** The Spring Boot properties that point R2DBC and Flyway at {@code database}. */
	public static Map<String, Object> springProperties(PostgresServer.Database database) {
		return Map.of("spring.r2dbc.url", database.r2dbcUrl(), "spring.r2dbc.username", database.username(),
				"spring.r2dbc.password", database.password(), "spring.flyway.url", database.jdbcUrl(),
				"spring.flyway.user", database.username(), "spring.flyway.password", database.password());
	}

	private static synchronized PostgresServer server() {
		if (server == null) {
			try {
				Path data = Files.createTempDirectory("tandem-test-postgres");
				PostgresServer started = PostgresServer.start(data, 0);
				Runtime.getRuntime().addShutdownHook(new Thread(() -> {
					try {
						started.close();
					}
					catch (IOException ex) {
						// the JVM is exiting; the temporary directory goes with the machine's cleanup
					}
					LocalStack.deleteRecursively(data);
				}, "test-postgres-shutdown"));
				server = started;
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		return server;
	}
}
