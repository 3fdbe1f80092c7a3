package dev.tandem.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * CPU time a process has used, in all and in its JIT compiler threads, read from {@code /proc}: what a measured
 * interval cost each part of the system, and how much of a service's share was the JIT still compiling.
 *
 * @param total user and system time of every thread of the process
 * @param compilers the part of it in HotSpot's C1 and C2 compiler threads
 */
record CpuTime(Duration total, Duration compilers) {

	/** Linux reports thread times in clock ticks of 1/100 s ({@code USER_HZ}) on every architecture it runs on. */
	private static final long NANOS_PER_TICK = 10_000_000L;

	static final CpuTime NONE = new CpuTime(Duration.ZERO, Duration.ZERO);

	/**
	 * The process's times now (its own count, which keeps the time of threads that have ended); {@link #NONE} if it
	 * has gone. The JVM keeps at least one thread of each compiler, so theirs is the sum over the live ones.
	 */
	static CpuTime of(long pid) throws IOException {
		Path process = Path.of("/proc", String.valueOf(pid));
		long compilers = 0;
		try (Stream<Path> threads = Files.list(process.resolve("task"))) {
			for (Path thread : threads.toList()) {
				try {
					String stat = Files.readString(thread.resolve("stat"));
					if (name(stat).startsWith("C1 CompilerThre") || name(stat).startsWith("C2 CompilerThre")) {
						compilers += ticks(stat);
					}
				}
				catch (NoSuchFileException ended) {
					// The thread ended between the listing and the read.
				}
			}
			long total = ticks(Files.readString(process.resolve("stat")));
			return new CpuTime(Duration.ofNanos(total * NANOS_PER_TICK), Duration.ofNanos(compilers * NANOS_PER_TICK));
		}
		catch (NoSuchFileException gone) {
			return NONE;
		}
	}

	/** The name in "id (name) state ppid ...", which may itself hold spaces and parentheses. */
	private static String name(String stat) {
		return stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
	}

	/** User and system time, the 14th and 15th fields. */
	private static long ticks(String stat) {
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
	}

	/** Every running PostgreSQL server process together (the benchmark's cluster is the only one here). */
	static Duration postgres() {
		return ProcessHandle.allProcesses()
			.filter(process -> process.info().command().map(command -> command.endsWith("/postgres")).orElse(false))
			.map(process -> process.info().totalCpuDuration().orElse(Duration.ZERO))
			.reduce(Duration.ZERO, Duration::plus);
	}

	CpuTime minus(CpuTime before) {
		return new CpuTime(total.minus(before.total), compilers.minus(before.compilers));
	}
}
