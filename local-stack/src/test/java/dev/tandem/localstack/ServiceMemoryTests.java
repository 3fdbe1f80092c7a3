package dev.tandem.localstack;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The services' JVM options and environment: what keeps their resident memory down, and their buffers cheap to free.
 */
class ServiceMemoryTests {

	@Test
	void trimsTheNativeHeapOnlyOnJvmsThatKnowTheOption() {
		assertThat(LocalStack.defaultJavaOptions(Runtime.Version.parse("17.0.8")))
			.noneMatch(option -> option.startsWith("-XX:TrimNativeHeapInterval"));
		assertThat(LocalStack.defaultJavaOptions(Runtime.Version.parse("17.0.9")))
			.containsSubsequence("-XX:+UnlockExperimentalVMOptions", "-XX:TrimNativeHeapInterval=5000");
		assertThat(LocalStack.trimsNativeHeap(Runtime.Version.parse("21"))).isFalse();
		assertThat(LocalStack.trimsNativeHeap(Runtime.Version.parse("21.0.1"))).isTrue();
		assertThat(LocalStack.trimsNativeHeap(Runtime.Version.parse("20.0.2"))).isFalse();
		assertThat(LocalStack.trimsNativeHeap(Runtime.Version.parse("25.0.1"))).isTrue();
	}

	@Test
	void packsObjectHeadersOnlyOnJvmsWhereTheOptionIsAProductOne() {
		assertThat(LocalStack.defaultJavaOptions(Runtime.Version.parse("21.0.5")))
			.doesNotContain("-XX:+UseCompactObjectHeaders");
		assertThat(LocalStack.defaultJavaOptions(Runtime.Version.parse("25.0.1"))).contains("-XX:+UseCompactObjectHeaders");
	}

	@Test
	void collectsAnIdleServicesHeapWhereTheCollectorGivesItBack() {
		assertThat(LocalStack.defaultJavaOptions(Runtime.Version.parse("17.0.15"))).contains("-XX:+UseSerialGC")
			.noneMatch(option -> option.contains("G1"));
		assertThat(LocalStack.defaultJavaOptions(Runtime.Version.parse("25.0.3")))
			.contains("-XX:+UseG1GC", "-XX:G1PeriodicGCInterval=5000", "-XX:-G1PeriodicGCInvokesConcurrent",
					"-XX:MaxHeapFreeRatio=15", "-XX:GCTimeRatio=49")
			.doesNotContain("-XX:+UseSerialGC", "-XX:MaxHeapFreeRatio=30");
		assertThat(LocalStack.defaultJavaOptions(Runtime.Version.parse("17.0.15"))).contains("-XX:MaxHeapFreeRatio=30");
	}

	@Test
	void unloadsCompiledCodeEarlyOnlyWithG1() {
		// Java 17 and 21 run the serial collector here, where a collection for the code cache's sake stops the
		// service; that was not measured (and Java 17's sweeper reads the option differently).
		for (String older : List.of("17.0.15", "21.0.5")) {
			assertThat(LocalStack.defaultJavaOptions(Runtime.Version.parse(older)))
				.noneMatch(option -> option.startsWith("-XX:SweeperThreshold"));
		}
		assertThat(LocalStack.defaultJavaOptions(Runtime.Version.parse("25.0.3"))).contains("-XX:SweeperThreshold=1");
	}

	@Test
	void grantsNativeAccessOnJvmsThatWarnWithoutIt() {
		for (String older : List.of("17.0.15", "21.0.5", "23.0.2")) {
			assertThat(LocalStack.defaultJavaOptions(Runtime.Version.parse(older)))
				.noneMatch(option -> option.startsWith("--enable-native-access"));
		}
		for (String newer : List.of("24.0.2", "25.0.3")) {
			assertThat(LocalStack.defaultJavaOptions(Runtime.Version.parse(newer)))
				.contains("--enable-native-access=ALL-UNNAMED");
		}
	}

	@Test
	void theServicesJavaAcceptsTheDefaultOptions() throws Exception {
		List<String> command = new java.util.ArrayList<>(List.of(ServiceJava.CHOSEN.executable().toString()));
		command.addAll(LocalStack.DEFAULT_JAVA_OPTIONS);
		command.add("-version");
		List<String> output = new CopyOnWriteArrayList<>();
		Process java = ChildProcesses.start("java", command, output::add);

		if (!java.waitFor(30, TimeUnit.SECONDS)) {
			java.destroyForcibly();
			throw new AssertionError("java -version with the default options did not end within 30 s");
		}
		// The output, for the failure message, as far as its reader has got.
		assertThat(java.exitValue()).as(() -> String.join("\n", output)).isZero();
	}

	@Test
	void childProcessesKeepTwoMallocArenasUnlessTheEnvironmentSaysOtherwise() throws Exception {
		CompletableFuture<String> arenas = new CompletableFuture<>();
		Process env = ChildProcesses.start("env", List.of("env"), line -> {
			if (line.startsWith("MALLOC_ARENA_MAX=")) {
				arenas.complete(line);
			}
		});
		if (!env.waitFor(30, TimeUnit.SECONDS)) {
			env.destroyForcibly();
			throw new AssertionError("env did not end within 30 s");
		}

		String inherited = System.getenv("MALLOC_ARENA_MAX");
		assertThat(arenas.get(10, TimeUnit.SECONDS)).isEqualTo("MALLOC_ARENA_MAX=" + (inherited == null ? "2" : inherited));
	}
}
