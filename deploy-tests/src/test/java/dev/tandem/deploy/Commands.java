package dev.tandem.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The repository these checks read, and the command-line tools they run (kubectl, node, docker compose). */
final class Commands {

	/** The repository's root: the tests run in {@code deploy-tests/}. */
	static final Path REPOSITORY = Path.of(System.getProperty("user.dir")).getParent();

	private Commands() {
	}

	/** What a command printed and how it ended. */
	record Result(int exitCode, String output, String errors) {

		boolean succeeded() {
			return exitCode == 0;
		}
	}

	static Result run(List<String> command, String input) {
		try {
			Process process = new ProcessBuilder(command).directory(REPOSITORY.toFile()).start();
			CompletableFuture<String> errors = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
			CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
			try (var stdin = process.getOutputStream()) {
				stdin.write(input.getBytes(StandardCharsets.UTF_8));
			}
			if (!process.waitFor(2, TimeUnit.MINUTES)) {
				process.destroyForcibly();
				throw new IllegalStateException(command + " did not finish within 2 minutes");
			}
			return new Result(process.exitValue(), output.join(), errors.join());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	static Result run(String... command) {
		return run(List.of(command), "");
	}

	/** Whether a command can be started here at all. */
	static boolean available(String... command) {
		try {
			return run(command).succeeded();
		}
		catch (UncheckedIOException notInstalled) {
			return false;
		}
	}

	/**
	 * Skips the calling test when the tool is missing on a developer's machine; on CI ({@code CI=true}) a missing tool
	 * fails instead, so a check cannot pass by not running.
	 */
	static void requireTool(boolean available, String what) {
		if (!available && "true".equals(System.getenv("CI"))) {
			throw new IllegalStateException(what + " is needed on CI and is not installed");
		}
		assumeTrue(available, what + " is not installed here");
	}

	private static String read(java.io.InputStream stream) {
		try (stream) {
			return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}
}
