package dev.tandem.profile.security;

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
 * Tokens are verified against the issuer's published keys (RS256), and must carry the configured issuer and one of
 * the configured audiences, and not be expired. The own profile needs a user's token (scope {@code profile}); any
 * signed-in caller may read a profile's public part; changing someone else's profile needs the {@code admin} role.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
class SecurityConfiguration {

	@Bean
	SecurityWebFilterChain securityFilterChain(ServerHttpSecurity http, ReactiveJwtDecoder decoder,
			ProblemResponses problems, IdentitySettings settings) {
		return ResourceServerSecurity.chain(http, decoder, problems, settings.rolesClaim(), exchanges -> exchanges
			// Client apps render sign-up forms from the schema; browsers load pictures without a token.
			.pathMatchers(HttpMethod.GET, "/api/profiles/schema", "/api/profiles/*/avatar").permitAll()
			.pathMatchers("/api/profiles/me", "/api/profiles/me/**").hasAuthority("SCOPE_profile")
			.pathMatchers(HttpMethod.GET, "/api/profiles").hasAnyAuthority("SCOPE_profiles:read", "ROLE_admin")
			.pathMatchers(HttpMethod.GET, "/api/profiles/*").authenticated()
			.pathMatchers(HttpMethod.PATCH, "/api/profiles/*").hasRole("admin")
			.pathMatchers("/api/admin/**").hasRole("admin"));
	}

	@Bean
	ReactiveJwtDecoder jwtDecoder(IdentitySettings settings) {
		NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder
			.withJwkSetUri(settings.effectiveJwkSetUri().toString())
			.build();
		decoder.setJwtValidator(TokenValidation.of(settings.issuer(), settings.audience()));
		return VerifiedTokens.around(decoder);
	}
}
