#!/usr/bin/env bash
# Run by the postgres image once, on an empty data directory (docker-entrypoint-initdb.d): one database per service,
# each owned by a role of its own, so neither service can read the other's tables.
set -euo pipefail

create_database() {
	psql --no-psqlrc -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
		--set name="$1" --set password="$2" <<-'SQL'
		CREATE ROLE :"name" LOGIN PASSWORD :'password';
		CREATE DATABASE :"name" OWNER :"name";
		REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
	SQL
}

create_database identity "${IDENTITY_DB_PASSWORD:?}"
create_database profile "${PROFILE_DB_PASSWORD:?}"
