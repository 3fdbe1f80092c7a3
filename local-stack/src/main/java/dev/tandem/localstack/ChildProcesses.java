package dev.tandem.localstack;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What the stack does alike with every process it runs (the services, Keycloak): start it with its output followed
 * line by line, wait until a health URL answers, stop it gracefully or not at all.
 */
final class ChildProcesses {

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private ChildProcesses() {
	}

	/**
	 * Starts {@code command}, its output and errors merged and handed to {@code output} line by line. Unless the
	 * environment says otherwise, the C library keeps at most two malloc arenas: by default it makes up to eight per
	 * core, one for each busy thread, and memory freed in one is not reused by the others, which kept tens of MiB of
	 * each service resident (docs/benchmarks.md).
	 */
	static Process start(String name, List<String> command, Consumer<String> output) throws IOException {
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		builder.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
		Process process = builder.start();
		Thread pump = new Thread(() -> {
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
		}, name + "-output");
		pump.setDaemon(true);
		pump.start();
		return process;
	}

	/** A TCP port nothing listens on now, for a process to listen on. */
	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	/** A free port other than {@code reserved}, ports chosen for processes that may not listen on them yet. */
	static int freePortOtherThan(Set<Integer> reserved) throws IOException {
		int port = freePort();
		while (reserved.contains(port)) {
			port = freePort();
		}
		return port;
	}

	/**
	 * Waits until {@code health} answers 200, and answers how long it took from {@code startedAt}.
	 *
	 * @throws IllegalStateException if the process exits or is not ready in time
	 */
	static Duration awaitHealthy(String name, Process process, URI health, Instant startedAt, Duration timeout)
			throws InterruptedException {
		Instant deadline = Instant.now().plus(timeout);
		HttpRequest probe = HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).build();
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

	/**
	 * Kills the process and what it started (a script's JVM) without giving them a chance to clean up, as a crash or
	 * an OOM killer would.
	 */
	static void kill(Process process) throws InterruptedException {
		process.descendants().forEach(ProcessHandle::destroyForcibly);
		process.destroyForcibly();
		process.waitFor(30, TimeUnit.SECONDS);
	}

	/**
	 * Asks the process and what it started to stop (SIGTERM), and kills them if they have not within 30 seconds.
	 */
	static void stop(Process process) throws InterruptedException {
		if (!process.isAlive()) {
			return;
		}
		List<ProcessHandle> children = process.descendants().toList();
		children.forEach(ProcessHandle::destroy);
		process.destroy();
		boolean stopped = process.waitFor(30, TimeUnit.SECONDS);
		if (!stopped || children.stream().anyMatch(ProcessHandle::isAlive)) {
			kill(process);
			children.forEach(ProcessHandle::destroyForcibly);
		}
	}
}
