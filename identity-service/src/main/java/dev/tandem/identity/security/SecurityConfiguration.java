package dev.tandem.identity.security;

import dev.tandem.identity.IdentitySettings;
import dev.tandem.identity.WithLocalUsers;
import dev.tandem.identity.token.SigningKeys;
import dev.tandem.identity.token.TokenSettings;
import dev.tandem.support.security.ResourceServerSecurity;
import dev.tandem.support.security.TokenValidation;
import dev.tandem.support.security.VerifiedTokens;
import dev.tandem.support.web.ProblemResponses;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;

/**
 * The rules: registration, tokens and discovery are open; the own account needs a user's token (scope
 * {@code profile}); other accounts need the {@code admin} role; {@code /internal} needs a service token with scope
 * {@code users:read}. Everything else is denied. Refusals are problem details.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
class SecurityConfiguration {

	@Bean
	SecurityWebFilterChain securityFilterChain(ServerHttpSecurity http, ReactiveJwtDecoder decoder,
			ProblemResponses problems, IdentitySettings identity) {
		return ResourceServerSecurity.chain(http, decoder, problems, identity.rolesClaim(), exchanges -> exchanges
			.pathMatchers(HttpMethod.POST, "/api/users", "/oauth2/token").permitAll()
			.pathMatchers(HttpMethod.GET, "/.well-known/openid-configuration", "/oauth2/jwks").permitAll()
			.pathMatchers("/internal/**").hasAuthority("SCOPE_users:read")
			.pathMatchers("/api/users/me", "/api/users/me/**").hasAuthority("SCOPE_profile")
			.pathMatchers("/api/users", "/api/users/**", "/api/admin/**").hasRole("admin"));
	}

	/**
	 * Verifies this service's own tokens: signature by its key, issuer, audience, expiry. (With Keycloak, the
	 * realm's tokens are verified instead; see {@code KeycloakConfiguration}.)
	 */
	@Bean
	@WithLocalUsers
	ReactiveJwtDecoder jwtDecoder(SigningKeys keys, TokenSettings settings) {
		NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withPublicKey(keys.publicKey()).build();
		decoder.setJwtValidator(TokenValidation.of(settings.issuer().toString(), settings.audience()));
		return VerifiedTokens.around(decoder);
	}
}
