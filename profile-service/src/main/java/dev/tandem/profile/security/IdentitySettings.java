package dev.tandem.profile.security;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where users and their tokens come from: identity-service by default, or any OpenID provider such as a Keycloak
 * realm, by configuration only.
 *
 * @param baseUrl identity-service, for its internal API
 * @param issuer the {@code iss} tokens must carry
 * @param jwkSetUri where the issuer publishes its keys; by default {@code baseUrl + /oauth2/jwks}
 * @param audience the {@code aud} values a token must name one of
 * @param rolesClaim the claim holding the user's roles, dotted for nested claims ({@code realm_access.roles} for
 *        Keycloak)
 * @param tokenUri where this service gets its client-credentials token; by default {@code baseUrl + /oauth2/token},
 *        with Keycloak the realm's {@code .../protocol/openid-connect/token}
 * @param clientId this service's OAuth2 client id at identity-service
 * @param clientSecret its secret; without one the internal API cannot be called
 * @param timeout how long a call to the internal API may take
 */
@ConfigurationProperties("tandem.identity")
public record IdentitySettings(@DefaultValue("http://127.0.0.1:8081") URI baseUrl,
		@DefaultValue("http://localhost:8081") String issuer, @Nullable URI jwkSetUri,
		@DefaultValue("tandem") List<String> audience, @DefaultValue("roles") String rolesClaim,
		@Nullable URI tokenUri, @DefaultValue("profile-service") String clientId, @DefaultValue("") String clientSecret,
		@DefaultValue("2s") Duration timeout) {

	public URI effectiveTokenUri() {
		return tokenUri != null && !tokenUri.toString().isBlank() ? tokenUri
				: URI.create(baseUrl.toString().replaceAll("/$", "") + "/oauth2/token");
	}

	public URI effectiveJwkSetUri() {
		return jwkSetUri != null && !jwkSetUri.toString().isBlank() ? jwkSetUri : URI.create(baseUrl.toString().replaceAll("/$", "") + "/oauth2/jwks");
	}
}
