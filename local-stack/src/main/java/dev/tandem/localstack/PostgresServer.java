package dev.tandem.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server from the zonky binaries, with its data in a directory that survives restarts.
 */
public final class PostgresServer implements AutoCloseable {

	/** The superuser the embedded server is initialised with. */
	public static final String USER = "postgres";

	/** Its password; the server listens on loopback only. */
	public static final String PASSWORD = "postgres";

	private final EmbeddedPostgres postgres;

	private PostgresServer(EmbeddedPostgres postgres) {
		this.postgres = postgres;
	}

	/**
	 * Starts a server on {@code port} (0 for any free port) keeping its data in {@code dataDirectory}: an existing
	 * cluster there is reused, an empty directory is initialised.
	 */
	public static PostgresServer start(Path dataDirectory, int port) throws IOException {
		Files.createDirectories(dataDirectory);
		EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
			.setDataDirectory(dataDirectory)
			.setCleanDataDirectory(false)
			.setServerConfig("listen_addresses", "127.0.0.1")
			.setServerConfig("max_connections", "300")
			.setServerConfig("fsync", "on");
		if (port != 0) {
			builder.setPort(port);
		}
		return new PostgresServer(builder.start());
	}

	public int port() {
		return postgres.getPort();
	}

	/** Creates {@code name} unless it exists, and returns how to reach it. */
	public Database database(String name) throws SQLException {
		try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
			boolean exists;
			try (PreparedStatement query = connection.prepareStatement("select 1 from pg_database where datname = ?")) {
				query.setString(1, name);
				try (ResultSet rows = query.executeQuery()) {
					exists = rows.next();
				}
			}
			if (!exists) {
				try (Statement create = connection.createStatement()) {
					create.execute("create database \"" + name.replace("\"", "") + "\"");
				}
			}
		}
		return new Database("127.0.0.1", port(), name, USER, PASSWORD);
	}

	@Override
	public void close() throws IOException {
		postgres.close();
	}

	/** Coordinates of one database, in the forms the services' configuration takes. */
	public record Database(String host, int port, String name, String username, String password) {

		public String jdbcUrl() {
			return "jdbc:postgresql://" + host + ":" + port + "/" + name;
		}

		public String r2dbcUrl() {
			return "r2dbc:postgresql://" + host + ":" + port + "/" + name;
		}
	}
}
