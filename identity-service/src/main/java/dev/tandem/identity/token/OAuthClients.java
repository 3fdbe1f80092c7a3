package dev.tandem.identity.token;

import java.util.Map;
import java.util.Optional;

import dev.tandem.identity.WithLocalUsers;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * The OAuth2 clients from configuration. Secrets are stored hashed, and compared with the same encoder as user
 * passwords, so an unknown client id costs as much time as a wrong secret.
 */
@Component
@WithLocalUsers
class OAuthClients {

	private final Map<String, TokenSettings.Client> clients;

	private final PasswordEncoder passwords;

	private final String absentSecret;

	OAuthClients(TokenSettings settings, PasswordEncoder passwords) {
		this.clients = settings.clients();
		this.passwords = passwords;
		this.absentSecret = passwords.encode("no client has this secret " + System.nanoTime());
	}

	/** The client if the id is known and the secret is its secret. Blocking: the comparison is a password hash. */
	Optional<TokenSettings.Client> authenticate(String clientId, String secret) {
		TokenSettings.Client client = clients.get(clientId);
		boolean matches = passwords.matches(secret, client == null ? absentSecret : client.secret());
		return client != null && matches ? Optional.of(client) : Optional.empty();
	}

	Optional<TokenSettings.Client> find(String clientId) {
		return Optional.ofNullable(clients.get(clientId));
	}
}
