package dev.tandem.localstack;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Application class-data sharing (AppCDS) for a service: its jar extracted next to it ({@code target/cds/}) and an
 * archive of the classes a start loads, so later starts map them instead of finding, reading, parsing and verifying
 * each one (the larger half of a start-up). The archive is made once per build and JVM, by a training start that
 * exits as soon as the application context is refreshed; whatever goes wrong, the service starts from its jar as
 * before.
 */
final class ClassDataArchive {

	private static final Logger log = LoggerFactory.getLogger(ClassDataArchive.class);

	private ClassDataArchive() {
	}

	/** How to start a service: its jar and JVM options. */
	record Launch(Path jar, List<String> jvmOptions) {
	}

	/**
	 * @param trainingArguments the service's arguments; the training start uses them to create its beans (it
	 *        connects to the database as a real start does)
	 */
	static Launch prepare(String name, Path jar, List<String> jvmOptions, List<String> trainingArguments,
			Consumer<String> output) {
		Launch plain = new Launch(jar, jvmOptions);
		Path directory = jar.toAbsolutePath().getParent().resolve("cds");
		Path extracted = directory.resolve("app").resolve(jar.getFileName());
		Path archive = directory.resolve("app.jsa");
		Path stampFile = directory.resolve("stamp");
		// Two stacks starting at once (a run and a test, say) take turns; the second finds the archive made.
		try (FileChannel lockFile = FileChannel.open(directory.resolveSibling("cds.lock"), StandardOpenOption.CREATE,
				StandardOpenOption.WRITE); FileLock lock = lockFile.lock()) {
			String stamp = stamp(jar, jvmOptions);
			if (!Files.exists(archive) || !Files.exists(stampFile) || !Files.readString(stampFile).equals(stamp)) {
				log.info("Making {}'s class-data archive (once per build; about 15 s)", name);
				LocalStack.deleteRecursively(directory);
				Files.createDirectories(directory);
				run(name, List.of(java(), "-Djarmode=tools", "-jar", jar.toString(), "extract", "--destination",
						directory.resolve("app").toString()), output);
				List<String> training = new ArrayList<>();
				training.add(java());
				training.addAll(jvmOptions);
				training.add("-XX:ArchiveClassesAtExit=" + archive);
				training.add("-Dspring.context.exit=onRefresh");
				training.add("-jar");
				training.add(extracted.toString());
				training.addAll(trainingArguments);
				training.add("--server.port=0");
				run(name, training, output);
				if (!Files.exists(archive)) {
					throw new IOException("the training start made no archive");
				}
				Files.writeString(stampFile, stamp);
			}
			List<String> options = new ArrayList<>(jvmOptions);
			options.add("-XX:SharedArchiveFile=" + archive);
			return new Launch(extracted, options);
		}
		catch (IOException ex) {
			log.warn("{} starts without a class-data archive: {}", name, ex.getMessage());
			return plain;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return plain;
		}
	}

	/** What the archive depends on: the jar, the JVM and the options (heap size and collector among them). */
	private static String stamp(Path jar, List<String> jvmOptions) throws IOException {
		return String.join("\n", jar.toAbsolutePath().toString(), String.valueOf(Files.size(jar)),
				String.valueOf(Files.getLastModifiedTime(jar).toMillis()), java(), System.getProperty("java.version"),
				String.join(" ", jvmOptions));
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

	private static String java() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}
}
