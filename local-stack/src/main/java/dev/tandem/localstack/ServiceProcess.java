package dev.tandem.localstack;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One Tandem service running as its own operating-system process from its packaged jar, so it can be stopped
 * gracefully or killed outright like in production.
 */
public final class ServiceProcess implements AutoCloseable {

	private final String name;

	private final int port;

	private final Process process;

	private final Instant startedAt;

	private ServiceProcess(String name, int port, Process process, Instant startedAt) {
		this.name = name;
		this.port = port;
		this.process = process;
		this.startedAt = startedAt;
	}

	/**
	 * Starts {@code jar} with the {@linkplain ServiceJava#CHOSEN services' Java}.
	 *
	 * @param arguments Spring Boot command-line properties such as {@code --server.port=8081}
	 * @param output receives every line the service prints
	 */
	public static ServiceProcess start(String name, Path jar, int port, List<String> jvmOptions, List<String> arguments,
			Consumer<String> output) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(ServiceJava.CHOSEN.executable().toString());
		command.addAll(jvmOptions);
		command.add("-jar");
		command.add(jar.toString());
		command.add("--server.port=" + port);
		command.addAll(arguments);
		Instant startedAt = Instant.now();
		return new ServiceProcess(name, port, ChildProcesses.start(name, command, output), startedAt);
	}

	public String name() {
		return name;
	}

	public int port() {
		return port;
	}

	public String baseUrl() {
		return "http://127.0.0.1:" + port;
	}

	public long pid() {
		return process.pid();
	}

	public boolean isAlive() {
		return process.isAlive();
	}

	/**
	 * Waits until the service reports itself ready ({@code /readyz}), and answers how long it took from the process
	 * start.
	 *
	 * @throws IllegalStateException if the process exits or is not ready in time
	 */
	public Duration awaitReady(Duration timeout) throws InterruptedException {
		return ChildProcesses.awaitHealthy(name, process, URI.create(baseUrl() + "/readyz"), startedAt, timeout);
	}

	/** Kills the process without giving it a chance to clean up, as a crash or an OOM killer would. */
	public void kill() throws InterruptedException {
		ChildProcesses.kill(process);
	}

	/** Asks the service to shut down gracefully, and kills it if it has not within 30 seconds. */
	@Override
	public void close() throws InterruptedException {
		ChildProcesses.stop(process);
	}

	/** Waits for the process to end on its own, and answers its exit status. */
	public int waitFor() throws InterruptedException {
		return process.waitFor();
	}
}
