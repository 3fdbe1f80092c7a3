package dev.tandem.localstack;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One Tandem service running as its own operating-system process from its packaged jar, so it can be stopped
 * gracefully or killed outright like in production.
 */
public final class ServiceProcess implements AutoCloseable {

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

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
	 * Starts {@code jar} with the same Java as this process.
	 *
	 * @param arguments Spring Boot command-line properties such as {@code --server.port=8081}
	 * @param output receives every line the service prints
	 */
	public static ServiceProcess start(String name, Path jar, int port, List<String> jvmOptions, List<String> arguments,
			Consumer<String> output) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(jvmOptions);
		command.add("-jar");
		command.add(jar.toString());
		command.add("--server.port=" + port);
		command.addAll(arguments);
		Instant startedAt = Instant.now();
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		Thread pump = new Thread(() -> pump(process, output), name + "-output");
		pump.setDaemon(true);
		pump.start();
		return new ServiceProcess(name, port, process, startedAt);
	}

	private static void pump(Process process, Consumer<String> output) {
		try (BufferedReader lines = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = lines.readLine()) != null) {
				output.accept(line);
			}
		}
		catch (IOException ex) {
			// The process is gone; nothing more to read.
		}
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
	 * Waits until the service reports itself ready, and answers how long it took from the process start.
	 *
	 * @throws IllegalStateException if the process exits or is not ready in time
	 */
	public Duration awaitReady(Duration timeout) throws InterruptedException {
		Instant deadline = Instant.now().plus(timeout);
		HttpRequest probe = HttpRequest.newBuilder(URI.create(baseUrl() + "/readyz"))
			.timeout(Duration.ofSeconds(2))
			.build();
		while (Instant.now().isBefore(deadline)) {
			if (!process.isAlive()) {
				throw new IllegalStateException(name + " exited with status " + process.exitValue() + " while starting");
			}
			try {
				if (HTTP.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
					return Duration.between(startedAt, Instant.now());
				}
			}
			catch (IOException notYetListening) {
				// keep polling
			}
			Thread.sleep(100);
		}
		throw new IllegalStateException(name + " was not ready within " + timeout);
	}

	/** Kills the process without giving it a chance to clean up, as a crash or an OOM killer would. */
	public void kill() throws InterruptedException {
		process.destroyForcibly();
		process.waitFor(30, TimeUnit.SECONDS);
	}

	/** Asks the service to shut down gracefully, and kills it if it has not within 30 seconds. */
	@Override
	public void close() throws InterruptedException {
		if (!process.isAlive()) {
			return;
		}
		process.destroy();
		if (!process.waitFor(30, TimeUnit.SECONDS)) {
			kill();
		}
	}

	/** Waits for the process to end on its own, and answers its exit status. */
	public int waitFor() throws InterruptedException {
		return process.waitFor();
	}
}
