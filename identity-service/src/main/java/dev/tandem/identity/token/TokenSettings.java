package dev.tandem.identity.token;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.io.Resource;
import org.springframework.validation.annotation.Validated;

/**
 * How tokens are issued.
 *
 * @param issuer the {@code iss} of every token, and the base of the discovery document's URLs
 * @param audience the {@code aud} of access tokens: what resource servers check they are meant for
 * @param accessTokenLifetime 5 to 15 minutes
 * @param signingKey the RS256 key tokens are signed with
 * @param clients the OAuth2 clients, by client id
 */
@ConfigurationProperties("tandem.tokens")
@Validated
public record TokenSettings(@DefaultValue("http://localhost:8081") URI issuer, @DefaultValue("tandem") List<String> audience,
		@DefaultValue("10m") @DurationMin(minutes = 5) @DurationMax(minutes = 15) Duration accessTokenLifetime,
		@DefaultValue("14d") Duration refreshTokenLifetime, @DefaultValue SigningKey signingKey,
		@DefaultValue("profile") String defaultUserScope, Map<String, Client> clients) {

	public TokenSettings {
		clients = clients == null ? Map.of() : Map.copyOf(clients);
	}

	/**
	 * @param privateKey a PKCS#8 PEM file holding the RSA private key ({@code -----BEGIN PRIVATE KEY-----})
	 * @param keyId the {@code kid}; by default the key's JWK thumbprint
	 * @param generate generate a key at start-up when none is configured: for local runs and tests only, since tokens
	 *        then die with the process and replicas cannot verify each other's
	 */
	public record SigningKey(@Nullable Resource privateKey, @Nullable String keyId, @DefaultValue("false") boolean generate) {
	}

	/**
	 * @param secret the client secret, hashed in {@code DelegatingPasswordEncoder} form ({@code {bcrypt}...})
	 * @param scopes the scopes the client may ask for, such as {@code users:read}
	 * @param grantTypes the grants the client may use
	 */
	public record Client(String secret, Set<String> scopes,
			@DefaultValue("client_credentials") Set<String> grantTypes) {
	}
}
