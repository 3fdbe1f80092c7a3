package dev.tandem.localstack;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * A real Keycloak server, started through {@code keycloak/keycloak.sh} (the script the README uses too) with the
 * Tandem realm imported and its data in a PostgreSQL database of the stack (a fresh stack starts from the realm
 * file; a kept one keeps its realm). Its public hostname is {@code localhost}, so the tokens' issuer does not depend
 * on how a client reached it.
 */
public final class KeycloakServer implements AutoCloseable {

	/** The realm of Tandem's users, as {@code keycloak/tandem-realm.json} defines it. */
	public static final String REALM = "tandem";

	/** identity-service's client secret in the realm file: local runs and tests only. */
	public static final String IDENTITY_CLIENT_SECRET = "local-identity-service-secret";

	/** profile-service's client secret in the realm file: local runs and tests only. */
	public static final String PROFILE_CLIENT_SECRET = "local-profile-service-secret";

	private final Process process;

	private final int port;

	private final int managementPort;

	private final Instant startedAt;

	private KeycloakServer(Process process, int port, int managementPort, Instant startedAt) {
		this.process = process;
		this.port = port;
		this.managementPort = managementPort;
		this.startedAt = startedAt;
	}

	/**
	 * Starts Keycloak; the first start on a machine fetches the distribution from Maven Central and builds it.
	 *
	 * @param script {@code keycloak/keycloak.sh}
	 * @param database the PostgreSQL database Keycloak keeps its data in
	 * @param output receives every line Keycloak prints
	 */
	public static KeycloakServer start(Path script, int port, int managementPort, PostgresServer.Database database,
			Consumer<String> output) throws IOException {
		Instant startedAt = Instant.now();
		Process process = ChildProcesses.start("keycloak", List.of("bash", script.toAbsolutePath().toString(),
				"--http-port=" + port, "--http-management-port=" + managementPort,
				"--hostname=http://localhost:" + port, "--db=postgres", "--db-url=" + database.jdbcUrl(),
				"--db-username=" + database.username(), "--db-password=" + database.password()), output);
		return new KeycloakServer(process, port, managementPort, startedAt);
	}

	/**
	 * Waits until Keycloak reports itself ready, and answers how long it took from the start.
	 *
	 * @throws IllegalStateException if Keycloak exits or is not ready in time
	 */
	public Duration awaitReady(Duration timeout) throws InterruptedException {
		return ChildProcesses.awaitHealthy("Keycloak", process,
				URI.create("http://127.0.0.1:" + managementPort + "/health/ready"), startedAt, timeout);
	}

	/** Where services reach Keycloak. */
	public String baseUrl() {
		return "http://127.0.0.1:" + port;
	}

	/** The realm's URL, where services reach it. */
	public String realmUrl() {
		return baseUrl() + "/realms/" + REALM;
	}

	/** The {@code iss} of the realm's tokens. */
	public String issuer() {
		return "http://localhost:" + port + "/realms/" + REALM;
	}

	public int port() {
		return port;
	}

	/** Stops Keycloak gracefully (SIGTERM; {@code kc.sh} runs the server under the script's PID). */
	@Override
	public void close() throws InterruptedException {
		ChildProcesses.stop(process);
	}
}
