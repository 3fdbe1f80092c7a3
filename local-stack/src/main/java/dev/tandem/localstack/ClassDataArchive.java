package dev.tandem.localstack;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Application class-data sharing for a service: its jar extracted next to it ({@code target/cds/}) and an archive of
 * the classes a start loads, so later starts map them instead of finding, reading, parsing and verifying each one
 * (the larger half of a start-up). On Java 25 and later the archive is an ahead-of-time cache (JEP 483, 515),
 * which holds the classes loaded and linked and the start's method profiles as well; before, an AppCDS archive. It is
 * made once per build and JVM, by a training start that runs until the service is ready (after the application context
 * is refreshed, a start still loads the classes of its web server, its Kafka clients and its first requests) and is
 * then stopped; whatever goes wrong, the service starts from its jar as before.
 */
final class ClassDataArchive {

	private static final Logger log = LoggerFactory.getLogger(ClassDataArchive.class);

	/** How the archive is trained, part of its stamp: an archive trained otherwise is made again. */
	private static final String TRAINING = "a whole start, until ready";

	private ClassDataArchive() {
	}

	/** How to start a service: its jar and JVM options. */
	record Launch(Path jar, List<String> jvmOptions) {
	}

	/** The archive a Java makes: the ahead-of-time cache from Java 25 on, an AppCDS archive before. */
	private enum Kind {

		// Java 25 records what the training start loads, links and profiles, and a second step makes the cache of it
		// (JEP 483, 515). The one-step -XX:AOTCacheOutput, tried first, left only its recording when the JVM was
		// stopped by a signal.
		AHEAD_OF_TIME_CACHE("aot", "-XX:AOTCache="),

		// Java 17 archives the classes as the training start exits, stopped by a signal or not (not when killed).
		APP_CDS("jsa", "-XX:SharedArchiveFile=");

		final String extension;

		final String using;

		Kind(String extension, String using) {
			this.extension = extension;
			this.using = using;
		}

		/**
		 * The options of the training start, which makes {@code archive} (or, for a cache, what it is made of). Its
		 * warnings about each class it leaves out (one generated at run time, say) are not for the user.
		 */
		List<String> making(Path archive) {
			return this == APP_CDS ? List.of("-XX:ArchiveClassesAtExit=" + archive, "-Xlog:cds*=error")
					: List.of("-XX:AOTMode=record", "-XX:AOTConfiguration=" + configuration(archive),
							"-Xlog:aot*=error,cds*=error");
		}

		static Kind of(ServiceJava java) {
			return java.hasAheadOfTimeCache() ? AHEAD_OF_TIME_CACHE : APP_CDS;
		}

		/** The options a start from {@code archive} adds. */
		List<String> using(Path archive) {
			// A cache the JVM finds unusable (another JVM build, say) is ignored with a warning: the start goes on.
			if (this == APP_CDS) {
				return List.of(using + archive);
			}
			// Mapped where it was made, not relocated: since Java 20 the JVM moves the archive to a random address by
			// default, rewriting every pointer in it. Mapped as made, 64 of its 115 MiB stay clean pages of the file,
			// and profile-service was ready 0.3 to 0.6 s sooner (docs/benchmarks.md). Where that address is taken,
			// the JVM relocates after all.
			return List.of(using + archive, "-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0");
		}
	}

	/**
	 * @param trainingArguments the service's arguments; the training start runs with them (it connects to the
	 *        database and the broker as a real start does)
	 * @param reservedPorts ports the stack has chosen for its services but they may not listen on yet: the training
	 *        start must not take one, nor take another service's answer for its own
	 */
	static Launch prepare(String name, Path jar, List<String> jvmOptions, List<String> trainingArguments,
			Set<Integer> reservedPorts, Consumer<String> output) {
		Launch plain = new Launch(jar, jvmOptions);
		Path cds = jar.toAbsolutePath().getParent().resolve("cds");
		// Two stacks starting at once (a run and a test, say) take turns; the second finds the archive made.
		try (FileChannel lockFile = FileChannel.open(cds.resolveSibling("cds.lock"), StandardOpenOption.CREATE,
				StandardOpenOption.WRITE); FileLock lock = lockFile.lock()) {
			// One directory per jar, JVM and options: a running service's classes are never replaced under it, and
			// two option sets do not undo each other's archive. The archive names the jar it was made with, so both
			// are made where they are used; the archive gets its name only once complete.
			Path directory = cds.resolve(stamp(jar, jvmOptions));
			Path extracted = directory.resolve("app").resolve(jar.getFileName());
			Kind kind = Kind.of(ServiceJava.CHOSEN);
			Path archive = directory.resolve("app." + kind.extension);
			if (!Files.exists(archive)) {
				log.info("Making {}'s class-data archive with {}, from a training start (once per build; 20 to 40 s)", name,
						ServiceJava.CHOSEN);
				removeOlderThan(cds, Files.getLastModifiedTime(jar));
				LocalStack.deleteRecursively(directory);
				Files.createDirectories(directory);
				run(name, List.of(java(), "-Djarmode=tools", "-jar", jar.toString(), "extract", "--destination",
						directory.resolve("app").toString()), output);
				Path training = directory.resolve("training." + kind.extension);
				List<String> command = new ArrayList<>();
				command.add(java());
				command.addAll(jvmOptions);
				command.addAll(kind.making(training));
				command.add("-jar");
				command.add(extracted.toString());
				command.addAll(trainingArguments);
				int port = ChildProcesses.freePortOtherThan(reservedPorts);
				command.add("--server.port=" + port);
				train(name, command, URI.create("http://127.0.0.1:" + port + "/readyz"),
						line -> output.accept("(training start) " + line));
				if (kind == Kind.AHEAD_OF_TIME_CACHE) {
					List<String> create = new ArrayList<>();
					create.add(java());
					create.addAll(jvmOptions);
					create.addAll(List.of("-XX:AOTMode=create", "-XX:AOTConfiguration=" + configuration(training),
							"-XX:AOTCache=" + training, "-jar", extracted.toString()));
					run(name, create, output);
					Files.delete(configuration(training));
				}
				if (!Files.exists(training)) {
					throw new IOException("the training start made no archive");
				}
				Files.move(training, archive, StandardCopyOption.ATOMIC_MOVE);
			}
			List<String> options = new ArrayList<>(jvmOptions);
			options.addAll(kind.using(archive));
			return new Launch(extracted, options);
		}
		catch (IOException | RuntimeException ex) {
			log.warn("{} starts without a class-data archive: {}", name, ex.toString());
			return plain;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return plain;
		}
	}

	/**
	 * What the archive depends on (the jar, the JVM and the options, heap size and collector among them), as a
	 * directory name.
	 */
	private static String stamp(Path jar, List<String> jvmOptions) throws IOException {
		String facts = String.join("\n", TRAINING, jar.toAbsolutePath().toString(), String.valueOf(Files.size(jar)),
				String.valueOf(Files.getLastModifiedTime(jar).toMillis()), java(), ServiceJava.CHOSEN.version().toString(),
				ServiceJava.CHOSEN.build(), String.join(" ", jvmOptions));
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(facts.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest, 0, 8);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Removes the archives of earlier builds (made before this jar was), so rebuilding does not pile them up; a
	 * service still running from one keeps the files it has open.
	 */
	private static void removeOlderThan(Path cds, FileTime built) throws IOException {
		if (!Files.isDirectory(cds)) {
			return;
		}
		try (Stream<Path> directories = Files.list(cds)) {
			for (Path directory : directories.toList()) {
				if (Files.getLastModifiedTime(directory).compareTo(built) < 0) {
					LocalStack.deleteRecursively(directory);
				}
			}
		}
	}

	/**
	 * The training start: the service started as it will be, against the same database and broker, until it is ready,
	 * then stopped as an operator stops it; the JVM writes what it recorded as it exits. It is a start of the service
	 * like any other (it migrates the database, creates the first admin, joins the consumer group for a moment), so
	 * its output is shown, marked. If the stack itself is stopped meanwhile, the training start is stopped with it.
	 */
	private static void train(String name, List<String> command, URI ready, Consumer<String> output)
			throws IOException, InterruptedException {
		Process process = ChildProcesses.start(name + "-cds", command, output);
		Thread stopTraining = new Thread(process::destroy, name + "-training-stop");
		Runtime.getRuntime().addShutdownHook(stopTraining);
		try {
			ChildProcesses.awaitHealthy(name + "'s training start", process, ready, Instant.now(), Duration.ofMinutes(3));
			output.accept("ready; stopping it, and making the archive of what it loaded");
			process.destroy();
			if (!process.waitFor(3, TimeUnit.MINUTES)) {
				throw new IOException("the training start did not stop within 3 minutes");
			}
			// Stopped as asked (SIGTERM: 143) or ended of itself; anything else may have left a partial archive.
			if (process.exitValue() != 143 && process.exitValue() != 0) {
				throw new IOException("the training start ended with status " + process.exitValue());
			}
		}
		finally {
			if (process.isAlive()) {
				ChildProcesses.kill(process);
			}
			try {
				Runtime.getRuntime().removeShutdownHook(stopTraining);
			}
			catch (IllegalStateException shuttingDown) {
				// The hook runs, or ran: the process is stopped either way.
			}
		}
	}

	/** Runs a step quietly (the archiving lists every class it skips); its last lines are shown if it fails. */
	private static void run(String name, List<String> command, Consumer<String> output)
			throws IOException, InterruptedException {
		Deque<String> last = new ConcurrentLinkedDeque<>();
		Process process = ChildProcesses.start(name + "-cds", command, line -> {
			last.addLast(line);
			if (last.size() > 40) {
				last.pollFirst();
			}
		});
		boolean finished = process.waitFor(3, TimeUnit.MINUTES);
		if (!finished) {
			ChildProcesses.kill(process);
		}
		if (!finished || process.exitValue() != 0) {
			last.forEach(output);
			throw new IOException(finished ? "a step ended with status " + process.exitValue()
					: "a step did not finish within 3 minutes");
		}
	}

	/** Where a training start records what the ahead-of-time cache {@code archive} is to be made of. */
	private static Path configuration(Path archive) {
		return archive.resolveSibling(archive.getFileName() + "conf");
	}

	private static String java() {
		return ServiceJava.CHOSEN.executable().toString();
	}
}
