package dev.tandem.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * The Java the services run on. {@code TANDEM_SERVICE_JAVA_HOME} names it; otherwise it is the newest JDK of this
 * process's own and those installed side by side with it ({@code /usr/lib/jvm}), because a newer JVM starts the
 * services from an ahead-of-time cache (Java 25, JEP 483 and 515) and packs objects tighter (compact object headers,
 * JEP 519): on the same machine, profile-service was ready in 3.5 to 4 s on Java 25 against 6 s on Java 17 (both with
 * the serial collector; docs/benchmarks.md). The services are built for Java 17, so any JDK from 17 on will do.
 *
 * @param home the JDK's directory, the one holding {@code bin/java}
 * @param version its version, as its {@code release} file gives it
 */
public record ServiceJava(Path home, Runtime.Version version) {

	/** The services' Java on this machine, chosen once. */
	public static final ServiceJava CHOSEN = choose(System.getenv("TANDEM_SERVICE_JAVA_HOME"),
			Path.of(System.getProperty("java.home")), Runtime.version(), Path.of("/usr/lib/jvm"));

	/** The oldest Java the services are built for. */
	static final int OLDEST = 17;

	/** The first Java whose ahead-of-time cache (JEP 483) keeps method profiles (JEP 515), with compact headers. */
	static final int AHEAD_OF_TIME_CACHE = 25;

	/**
	 * @param configured {@code TANDEM_SERVICE_JAVA_HOME}, which wins when set
	 * @param current the JDK this process runs on, always a candidate
	 * @param installed where other JDKs are installed, each in a directory of its own
	 * @throws IllegalStateException if the configured directory holds no JDK the services can run on
	 */
	static ServiceJava choose(@Nullable String configured, Path current, Runtime.Version currentVersion, Path installed) {
		if (configured != null && !configured.isBlank()) {
			Path home = Path.of(configured.trim());
			return of(home).filter(java -> java.version().feature() >= OLDEST)
				.orElseThrow(() -> new IllegalStateException("TANDEM_SERVICE_JAVA_HOME=" + configured
						+ " is not a JDK " + OLDEST + " or newer (no bin/java, or no release file naming its version)"));
		}
		List<ServiceJava> candidates = new ArrayList<>();
		candidates.add(new ServiceJava(current, currentVersion));
		if (Files.isDirectory(installed)) {
			try (Stream<Path> homes = Files.list(installed)) {
				homes.sorted().map(ServiceJava::of).flatMap(Optional::stream)
					// Early-access builds only when named.
					.filter(java -> java.version().feature() >= OLDEST && java.version().pre().isEmpty())
					.forEach(candidates::add);
			}
			catch (IOException ex) {
				// Unreadable: this process's own Java still runs the services.
			}
		}
		// The newest; among equals, this process's own (the first).
		return candidates.stream().max(Comparator.comparing(ServiceJava::version)).orElseThrow();
	}

	/** The JDK in {@code home}, if it has a {@code java} to run and a {@code release} file with its version. */
	static Optional<ServiceJava> of(Path home) {
		if (!Files.isExecutable(home.resolve("bin").resolve("java"))) {
			return Optional.empty();
		}
		try {
			Map<String, String> release = new HashMap<>();
			for (String line : Files.readAllLines(home.resolve("release"))) {
				int equals = line.indexOf('=');
				if (equals > 0) {
					release.put(line.substring(0, equals).trim(), line.substring(equals + 1).trim().replace("\"", ""));
				}
			}
			String version = release.get("JAVA_VERSION");
			return version == null ? Optional.empty()
					: Optional.of(new ServiceJava(home.toRealPath(), Runtime.Version.parse(version)));
		}
		catch (IOException | IllegalArgumentException ex) {
			return Optional.empty();
		}
	}

	/**
	 * What tells one build of the JVM from another of the same version (the size and time of its {@code libjvm.so}):
	 * a cache made by one build is refused by another.
	 */
	String build() {
		Path jvm = home.resolve("lib").resolve("server").resolve("libjvm.so");
		try {
			return Files.size(jvm) + "@" + Files.getLastModifiedTime(jvm).toMillis();
		}
		catch (IOException ex) {
			return "unknown";
		}
	}

	/** Its {@code java} command. */
	public Path executable() {
		return home.resolve("bin").resolve("java");
	}

	/** Whether it starts from an ahead-of-time cache rather than a class-data archive. */
	public boolean hasAheadOfTimeCache() {
		return version.feature() >= AHEAD_OF_TIME_CACHE;
	}

	@Override
	public String toString() {
		return "Java " + version + " (" + home + ")";
	}
}
