package dev.tandem.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

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

	private final Path dataDirectory;

	private PostgresServer(EmbeddedPostgres postgres, Path dataDirectory) {
		this.postgres = postgres;
		this.dataDirectory = dataDirectory;
	}

	/**
	 * Starts a server on {@code port} (0 for any free port) keeping its data in {@code dataDirectory}: an existing
	 * cluster there is reused, an empty directory is initialised.
	 */
	public static PostgresServer start(Path dataDirectory, int port) throws IOException {
		Files.createDirectories(dataDirectory);
		// The zonky builder turns synchronous_commit off, a setting for throwaway test databases: a commit would be
		// answered before its WAL reached the disk, and a crash of the server could lose it after the relay had
		// published its event or the consumer had moved past it. This server keeps PostgreSQL's durable defaults,
		// as the deployed databases do.
		EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
			.setDataDirectory(dataDirectory)
			.setCleanDataDirectory(false)
			.setServerConfig("listen_addresses", "127.0.0.1")
			.setServerConfig("max_connections", "300")
			.setServerConfig("fsync", "on")
			.setServerConfig("synchronous_commit", "on")
			// Recovery after a crash replays the log and writes a checkpoint before the first connection.
			.setPGStartupWait(Duration.ofSeconds(60));
		if (port != 0) {
			builder.setPort(port);
		}
		return new PostgresServer(builder.start(), dataDirectory);
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

	/**
	 * Kills every process of the server at once (SIGKILL), as a crash of the server would: what it held in memory and
	 * had not yet written is gone (the machine's page cache is not), and the next {@link #start} on the same directory
	 * recovers from the write-ahead log. The server is stopped (SIGSTOP) first, so that it forks no process between
	 * the count of its processes and their kill.
	 */
	public void crash() throws IOException {
		try {
			long pid = Long.parseLong(Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0).trim());
			ProcessHandle postmaster = ProcessHandle.of(pid)
				.orElseThrow(() -> new IllegalStateException("no PostgreSQL server runs as process " + pid));
			Process stop = new ProcessBuilder("kill", "-STOP", String.valueOf(pid)).inheritIO().start();
			if (stop.waitFor() != 0) {
				throw new IOException("could not stop PostgreSQL's process " + pid);
			}
			List<ProcessHandle> processes = Stream.concat(Stream.of(postmaster), postmaster.descendants()).toList();
			processes.forEach(ProcessHandle::destroyForcibly);
			for (ProcessHandle process : processes) {
				process.onExit().get(10, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("interrupted while PostgreSQL's processes were being killed", ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IOException("a PostgreSQL process outlived its kill", ex);
		}
		finally {
			// Releases the data directory's lock. The pg_ctl stop it runs finds no server, which it logs as an error.
			postgres.close();
		}
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
