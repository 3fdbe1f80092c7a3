package dev.tandem.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * CPU time a process has used, in all, in its JIT compiler threads and in its garbage collector's, read from {@code
 * /proc}: what a measured interval cost each part of the system, and how much of a service's share was the JIT still
 * compiling or the collector collecting.
 *
 * @param total user and system time of every thread of the process
 * @param compilers the part of it in HotSpot's C1 and C2 compiler threads
 * @param collector the part of it in G1's threads: its workers, which run the pauses, and its concurrent marking and
 *        refinement threads. G1 only (the services' collector here): the serial collector collects on the VM thread,
 *        which also runs everything else done at a safepoint, so under it this is zero
 */
record CpuTime(Duration total, Duration compilers, Duration collector) {

	/** Linux reports thread times in clock ticks of 1/100 s ({@code USER_HZ}) on every architecture it runs on. */
	private static final long NANOS_PER_TICK = 10_000_000L;

	static final CpuTime NONE = new CpuTime(Duration.ZERO, Duration.ZERO, Duration.ZERO);

	/**
	 * The process's times now (its own count, which keeps the time of threads that have ended); {@link #NONE} if it
	 * has gone. The JVM keeps at least one thread of each compiler, so theirs is the sum over the live ones.
	 */
	static CpuTime of(long pid) throws IOException {
		Path process = Path.of("/proc", String.valueOf(pid));
		long compilers = 0;
		long collector = 0;
		try (Stream<Path> threads = Files.list(process.resolve("task"))) {
			for (Path thread : threads.toList()) {
				try {
					String stat = Files.readString(thread.resolve("stat"));
					String name = name(stat);
					if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
						compilers += ticks(stat);
					}
					else if (name.startsWith("GC Thread") || name.startsWith("G1 ")) {
						collector += ticks(stat);
					}
				}
				catch (IOException ended) {
					// The thread ended between the listing and the read ("No such file", or "No such process").
				}
			}
			long total = ticks(Files.readString(process.resolve("stat")));
			return new CpuTime(Duration.ofNanos(total * NANOS_PER_TICK), Duration.ofNanos(compilers * NANOS_PER_TICK),
					Duration.ofNanos(collector * NANOS_PER_TICK));
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
		String[] fields = fields(stat);
		return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
	}

	/** The fields after the name, from the 3rd (the state) on: index {@code i} is field {@code i + 3}. */
	private static String[] fields(String stat) {
		return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
	}

	/**
	 * The CPU time of the PostgreSQL cluster (the benchmark's is the only one here): its running processes', and what
	 * the postmaster's children that have ended used (backends of closed connections, autovacuum workers), which the
	 * postmaster holds once it has waited for them. Only grows, however processes come and go.
	 */
	static Duration postgres() {
		List<ProcessHandle> processes = ProcessHandle.allProcesses()
			.filter(process -> process.info().command().map(command -> command.endsWith("/postgres")).orElse(false))
			.toList();
		Set<Long> pids = processes.stream().map(ProcessHandle::pid).collect(Collectors.toSet());
		long ticks = 0;
		for (ProcessHandle process : processes) {
			try {
				String[] fields = fields(Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat")));
				ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
				boolean postmaster = !pids.contains(Long.parseLong(fields[1]));
				if (postmaster) {
					// cutime and cstime, the 16th and 17th fields: its children that have ended.
					ticks += Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
				}
			}
			catch (IOException ended) {
				// A backend that ended between the listing and the read; its time is now its postmaster's.
			}
		}
		return Duration.ofNanos(ticks * NANOS_PER_TICK);
	}

	/**
	 * How many cores the whole machine kept busy over {@code window}, from the first line of {@code /proc/stat}:
	 * everything but idle and waiting for I/O. Time a hypervisor stole counts as busy: on a virtual machine that
	 * steals steadily, the machine is never at rest by this measure.
	 */
	static double busyCores(Duration window) throws IOException, InterruptedException {
		long before = busyTicks();
		Thread.sleep(window.toMillis());
		return (double) (busyTicks() - before) * NANOS_PER_TICK / window.toNanos();
	}

	/** The ticks every core together spent busy: all the fields but idle and iowait. */
	private static long busyTicks() throws IOException {
		String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
		long busy = 0;
		// "cpu user nice system idle iowait irq softirq steal": guest time is already counted in user.
		for (int i = 1; i <= 8 && i < fields.length; i++) {
			if (i != 4 && i != 5) {
				busy += Long.parseLong(fields[i]);
			}
		}
		return busy;
	}

	CpuTime minus(CpuTime before) {
		return new CpuTime(total.minus(before.total), compilers.minus(before.compilers),
				collector.minus(before.collector));
	}
}
