#!/usr/bin/env bash
# The benchmarks: starts Tandem as ./run.sh does (fresh data in a temporary directory), loads it from this separate
# process on loopback, and prints the table; results in bench/results/ (results.md, results.csv, throughput.png).
# Usage: ./bench/run.sh [--quick]    (--quick: small numbers, to try the runner; not for figures). About 15 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -DskipTests package
exec java -Dtandem.repository="$PWD" -jar bench/target/bench-*-exec.jar "$@"
