#!/usr/bin/env bash
# Starts Tandem on this machine: PostgreSQL, a Kafka broker, identity-service (8081) and profile-service (8082).
# Usage: ./run.sh [--fresh]    (--fresh deletes the data of earlier runs, kept in .tandem/)
# Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")"
./mvnw -q -B -DskipTests package
exec java -Dtandem.repository="$PWD" -jar local-stack/target/local-stack-*-exec.jar "$@"
