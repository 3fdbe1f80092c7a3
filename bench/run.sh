#!/usr/bin/env bash
# The benchmarks: starts Tandem as ./run.sh does (fresh data in a temporary directory), loads it from this separate
# process on loopback, and prints the table; results in bench/results/ (results.md, results.csv, throughput.png).
# Usage: ./bench/run.sh [--quick] [--only measure,...]    About 20 minutes.
#   --quick: small numbers, to try the runner; not for figures.
#   --only: some of propagation, bulk, reads, writes, memory, floor, start-up (reads, writes and floor import the bulk's
#           users first, unmeasured); such a run writes to bench/target/results, never over the whole run's results.
#   floor: the same reads and writes on the services' stack alone (bench-floor), next to the same pgbench.
set -euo pipefail
cd "$(dirname "$0")/.."
# wrk loads the profile reads and writes (a load generator in C, as pgbench is); Debian has it.
if ! command -v wrk >/dev/null; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "bench: installing wrk from Debian's packages"
		apt-get install -y -qq wrk >/dev/null || { apt-get update -qq >/dev/null && apt-get install -y -qq wrk >/dev/null; }
	else
		echo "bench: wrk is needed (Debian: sudo apt-get install wrk)" >&2
		exit 1
	fi
fi
./mvnw -q -B -DskipTests package
exec java -Dtandem.repository="$PWD" -jar bench/target/bench-*-exec.jar "$@"
