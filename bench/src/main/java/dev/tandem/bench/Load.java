package dev.tandem.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.tandem.localstack.LocalStack;

/**
 * A closed-loop HTTP load on {@code /api/profiles/me} from wrk, a separate process written in C as pgbench is: it
 * takes little of the two cores the services share with it, so the comparison with pgbench is between the service
 * and the database, not between two load generators. {@code connections} keep-alive connections, each sending its
 * next request when the previous answered, every request with the token of the next of many users; first a warm-up
 * run, then the measured one.
 */
final class Load {

	private static final Pattern FIGURES = Pattern.compile("TANDEM-FIGURES requests=(\\d+) duration_us=(\\d+) "
			+ "errors=(\\d+) p50_us=(\\d+) p99_us=(\\d+) max_us=(\\d+)");

	private Load() {
	}

	/** What a measured interval gave. */
	record Result(String name, int connections, double requestsPerSecond, double p50Millis, double p99Millis,
			double maxMillis, long errors, long requests) {
	}

	/**
	 * @param method {@code GET} reads the caller's profile, {@code PATCH} changes its bio
	 * @param tokens one bearer token per user; requests take them in turn
	 */
	static Result run(String name, String baseUrl, int connections, Duration warmUp, Duration measured, String method,
			List<String> tokens) throws IOException, InterruptedException {
		Path directory = Files.createTempDirectory("tandem-wrk");
		try {
			Path tokenFile = Files.write(directory.resolve("tokens"), tokens);
			Path script = directory.resolve("profiles-me.lua");
			try (InputStream source = Load.class.getResourceAsStream("profiles-me.lua")) {
				Files.copy(source, script);
			}
			Map<String, String> environment = Map.of("TANDEM_BENCH_TOKENS", tokenFile.toString(), "TANDEM_BENCH_METHOD",
					method);
			if (!warmUp.isZero()) {
				wrk(baseUrl, connections, warmUp, script, environment);
			}
			String output = wrk(baseUrl, connections, measured, script, environment);
			Matcher figures = FIGURES.matcher(output);
			if (!figures.find()) {
				throw new IllegalStateException("wrk gave no figures:\n" + output);
			}
			long requests = Long.parseLong(figures.group(1));
			double seconds = Long.parseLong(figures.group(2)) / 1e6;
			return new Result(name, connections, requests / seconds, Long.parseLong(figures.group(4)) / 1000.0,
					Long.parseLong(figures.group(5)) / 1000.0, Long.parseLong(figures.group(6)) / 1000.0,
					Long.parseLong(figures.group(3)), requests);
		}
		finally {
			LocalStack.deleteRecursively(directory);
		}
	}

	private static String wrk(String baseUrl, int connections, Duration duration, Path script,
			Map<String, String> environment) throws IOException, InterruptedException {
		// Two threads, one per core; a request that takes over 10 s counts as an error.
		ProcessBuilder command = new ProcessBuilder("wrk", "-t2", "-c" + connections, "-d" + duration.toSeconds() + "s",
				"--timeout", "10s", "-s", script.toString(), baseUrl).redirectErrorStream(true);
		command.environment().putAll(environment);
		Process process;
		try {
			process = command.start();
		}
		catch (IOException ex) {
			throw new IOException("wrk is needed for the read and write benchmarks (Debian: apt-get install wrk)", ex);
		}
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (process.waitFor() != 0) {
			throw new IllegalStateException("wrk ended with status " + process.exitValue() + ":\n" + output);
		}
		return output;
	}
}
