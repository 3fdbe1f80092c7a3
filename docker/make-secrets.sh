#!/usr/bin/env bash
# Writes what docker-compose.yml reads from ./secrets (not committed), once: identity-service's token signing key,
# and profile-service's OAuth2 client secret with its bcrypt hash for identity-service.
# Needs openssl, and htpasswd (apache2-utils) or Python's bcrypt for the hash.
set -euo pipefail
cd "$(dirname "$0")/../secrets"
umask 022 # the services run as uid 65532 and read these through bind mounts

if [[ ! -s token-signing-key.pem ]]; then
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out token-signing-key.pem 2>/dev/null
	echo "wrote secrets/token-signing-key.pem"
fi
if [[ ! -s profile-service-client-secret ]]; then
	openssl rand -base64 32 | tr -d '/+=\n' > profile-service-client-secret
	secret=$(cat profile-service-client-secret)
	if command -v htpasswd >/dev/null; then
		hash=$(htpasswd -nbBC 10 '' "$secret" | tr -d ':\n')
	else
		hash=$(python3 -c 'import bcrypt, sys; print(bcrypt.hashpw(sys.argv[1].encode(), bcrypt.gensalt(10)).decode())' "$secret")
	fi
	printf '{bcrypt}%s' "$hash" > profile-service-client-secret.bcrypt
	echo "wrote secrets/profile-service-client-secret and its hash"
fi
