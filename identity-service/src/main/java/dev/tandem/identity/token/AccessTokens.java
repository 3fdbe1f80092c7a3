package dev.tandem.identity.token;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import dev.tandem.identity.WithLocalUsers;
import dev.tandem.identity.user.User;

import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.stereotype.Component;

/**
 * Issues access tokens: JWTs signed RS256 with the published key's {@code kid}, for a user ({@code sub} = user id,
 * {@code roles}) or for a service ({@code sub} = client id, {@code scope} only).
 */
@Component
@WithLocalUsers
class AccessTokens {

	private final SigningKeys keys;

	private final TokenSettings settings;

	private final Clock clock;

	AccessTokens(SigningKeys keys, TokenSettings settings, Clock clock) {
		this.keys = keys;
		this.settings = settings;
		this.clock = clock;
	}

	String forUser(User user, String scope, String clientId) {
		return encode(claims(user.id().toString(), scope, clientId).claim("roles", user.roles())
			.claim("preferred_username", user.username())
			.claim("email", user.email()));
	}

	String forClient(String clientId, String scope) {
		return encode(claims(clientId, scope, clientId));
	}

	long lifetimeSeconds() {
		return settings.accessTokenLifetime().toSeconds();
	}

	private JwtClaimsSet.Builder claims(String subject, String scope, String clientId) {
		Instant now = clock.instant();
		return JwtClaimsSet.builder()
			.issuer(settings.issuer().toString())
			.subject(subject)
			.audience(List.copyOf(settings.audience()))
			.issuedAt(now)
			.notBefore(now)
			.expiresAt(now.plus(settings.accessTokenLifetime()))
			.id(java.util.UUID.randomUUID().toString())
			.claim("scope", scope)
			.claim("azp", clientId);
	}

	private String encode(JwtClaimsSet.Builder claims) {
		JwsHeader header = JwsHeader.with(SignatureAlgorithm.RS256).keyId(keys.keyId()).type("JWT").build();
		return keys.encoder().encode(JwtEncoderParameters.from(header, claims.build())).getTokenValue();
	}
}
