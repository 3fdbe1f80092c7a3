package dev.tandem.identity.token;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.tandem.identity.WithLocalUsers;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Publishes the issuer and its keys in the standard places, so resource servers configure themselves from the
 * issuer URL alone.
 */
@RestController
@WithLocalUsers
class DiscoveryEndpoints {

	private final SigningKeys keys;

	private final TokenSettings settings;

	DiscoveryEndpoints(SigningKeys keys, TokenSettings settings) {
		this.keys = keys;
		this.settings = settings;
	}

	@GetMapping("/.well-known/openid-configuration")
	Map<String, Object> configuration() {
		String issuer = settings.issuer().toString().replaceAll("/$", "");
		Map<String, Object> configuration = new LinkedHashMap<>();
		configuration.put("issuer", settings.issuer().toString());
		configuration.put("token_endpoint", issuer + "/oauth2/token");
		configuration.put("jwks_uri", issuer + "/oauth2/jwks");
		configuration.put("grant_types_supported",
				List.of(TokenEndpoint.PASSWORD, TokenEndpoint.REFRESH_TOKEN, TokenEndpoint.CLIENT_CREDENTIALS));
		configuration.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post"));
		configuration.put("response_types_supported", List.of("token"));
		configuration.put("subject_types_supported", List.of("public"));
		configuration.put("id_token_signing_alg_values_supported", List.of("RS256"));
		configuration.put("scopes_supported", List.of(settings.defaultUserScope(), "users:read", "profiles:read"));
		configuration.put("claims_supported", List.of("sub", "iss", "aud", "exp", "iat", "scope", "roles",
				"preferred_username", "email"));
		return configuration;
	}

	@GetMapping("/oauth2/jwks")
	Map<String, Object> keys() {
		return keys.publicKeys().toJSONObject();
	}
}
