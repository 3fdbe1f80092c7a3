package dev.tandem.support.security;

import java.util.Collection;
import java.util.List;

import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;

/**
 * What a token must be besides well signed: from the expected issuer, for one of the expected audiences, and
 * within its validity period.
 */
public final class TokenValidation {

	private TokenValidation() {
	}

	public static OAuth2TokenValidator<Jwt> of(String issuer, Collection<String> audience) {
		return new DelegatingOAuth2TokenValidator<>(JwtValidators.createDefaultWithIssuer(issuer),
				new JwtClaimValidator<List<String>>("aud", aud -> aud != null && aud.stream().anyMatch(audience::contains)));
	}
}
