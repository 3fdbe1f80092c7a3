#!/usr/bin/env bash
# Runs a real Keycloak server for Tandem: the official Quarkus distribution, fetched once from Maven Central,
# with the realm of this directory (tandem-realm.json) imported at start.
#
#   keycloak/keycloak.sh [any kc.sh start-dev option ...]
#
# Defaults: http://127.0.0.1:8180, management (health) on 9180, the dev-file database under .tandem/keycloak.
# Options given override them (for example --http-port=18080, or --db=postgres --db-url=jdbc:postgresql://...).
# The first start builds the server (about 40 s); later starts take seconds. The bootstrap admin of the master
# realm is KEYCLOAK_ADMIN / KEYCLOAK_ADMIN_PASSWORD (default admin / admin: local use only).
# Keycloak 26 needs Java 21 or newer: KEYCLOAK_JAVA_HOME, or else the newest of JAVA_HOME, the java on the PATH
# and the JDKs in /usr/lib/jvm.
# The realm's client secrets and password policy come from TANDEM_KEYCLOAK_IDENTITY_SECRET,
# TANDEM_KEYCLOAK_PROFILE_SECRET and TANDEM_KEYCLOAK_PASSWORD_POLICY; unset, the local-only values below apply.
set -euo pipefail

VERSION=26.7.3
here=$(cd "$(dirname "$0")" && pwd)
repository=$(dirname "$here")
home=${TANDEM_KEYCLOAK_HOME:-$repository/.tandem/keycloak}
dist="$home/keycloak-$VERSION"

if [ ! -x "$dist/bin/kc.sh" ]; then
    mkdir -p "$home"
    echo "Fetching Keycloak $VERSION from Maven Central into $home" >&2
    "$repository/mvnw" -q -B dependency:copy -Dartifact="org.keycloak:keycloak-quarkus-dist:$VERSION:tar.gz" \
        -DoutputDirectory="$home" >&2
    tar -xzf "$home/keycloak-quarkus-dist-$VERSION.tar.gz" -C "$home"
    rm "$home/keycloak-quarkus-dist-$VERSION.tar.gz"
fi

java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
java_home=${KEYCLOAK_JAVA_HOME:-}
on_path=$(command -v java >/dev/null && dirname "$(dirname "$(readlink -f "$(command -v java)")")" || true)
if [ -z "$java_home" ]; then
    for candidate in ${JAVA_HOME:-} $on_path /usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
        if [ -x "$candidate/bin/java" ] && [ "$(java_major "$candidate")" -ge 21 ] 2>/dev/null; then
            if [ -z "$java_home" ] || [ "$(java_major "$candidate")" -gt "$(java_major "$java_home")" ]; then
                java_home=$candidate
            fi
        fi
    done
fi
if [ -z "$java_home" ]; then
    echo "Keycloak $VERSION needs Java 21 or newer: install one or set KEYCLOAK_JAVA_HOME." >&2
    exit 1
fi

mkdir -p "$dist/data/import"
cp "$here/tandem-realm.json" "$dist/data/import/tandem-realm.json"

export JAVA_HOME=$java_home
export TANDEM_KEYCLOAK_IDENTITY_SECRET=${TANDEM_KEYCLOAK_IDENTITY_SECRET:-local-identity-service-secret}
export TANDEM_KEYCLOAK_PROFILE_SECRET=${TANDEM_KEYCLOAK_PROFILE_SECRET:-local-profile-service-secret}
# Cheap hashing, for local runs and tests only; Keycloak's default (Argon2) applies when the policy names none.
export TANDEM_KEYCLOAK_PASSWORD_POLICY=${TANDEM_KEYCLOAK_PASSWORD_POLICY:-length(12) and notUsername and notEmail and hashAlgorithm(pbkdf2-sha256) and hashIterations(1000)}
export KC_BOOTSTRAP_ADMIN_USERNAME=${KEYCLOAK_ADMIN:-admin}
export KC_BOOTSTRAP_ADMIN_PASSWORD=${KEYCLOAK_ADMIN_PASSWORD:-admin}
# Liquibase would otherwise try to send usage analytics over the network.
export JAVA_OPTS_APPEND="-Dliquibase.analytics.enabled=false ${JAVA_OPTS_APPEND:-}"

# Each default applies unless the caller gave that option.
options=()
for default in --http-host=127.0.0.1 --http-port=8180 --http-management-port=9180 --health-enabled=true; do
    name=${default%%=*}
    given=false
    for argument in "$@"; do
        case $argument in "$name" | "$name="*) given=true ;; esac
    done
    $given || options+=("$default")
done
# kc.sh replaces itself with the server's JVM, so this script's PID is the server's: SIGTERM stops it.
exec "$dist/bin/kc.sh" start-dev "${options[@]}" --import-realm "$@"
