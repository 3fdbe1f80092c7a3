package dev.tandem.identity.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import dev.tandem.identity.token.SigningKeys;
import dev.tandem.identity.token.TokenSettings;
import reactor.core.publisher.Mono;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
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
			ProblemResponses problems) {
		return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
			.formLogin(ServerHttpSecurity.FormLoginSpec::disable)
			.logout(ServerHttpSecurity.LogoutSpec::disable)
			.requestCache(ServerHttpSecurity.RequestCacheSpec::disable)
			.authorizeExchange(exchanges -> exchanges
				.pathMatchers(HttpMethod.POST, "/api/users", "/oauth2/token").permitAll()
				.pathMatchers(HttpMethod.GET, "/.well-known/openid-configuration", "/oauth2/jwks").permitAll()
				.pathMatchers("/actuator/health/**", "/actuator/info").permitAll()
				.pathMatchers("/internal/**").hasAuthority("SCOPE_users:read")
				.pathMatchers("/api/users/me", "/api/users/me/**").hasAuthority("SCOPE_profile")
				.pathMatchers("/api/users", "/api/users/**", "/api/admin/**").hasRole("admin")
				.anyExchange().denyAll())
			.oauth2ResourceServer(server -> server
				.jwt(jwt -> jwt.jwtDecoder(decoder).jwtAuthenticationConverter(SecurityConfiguration::authenticate))
				.authenticationEntryPoint(problems::unauthorized)
				.accessDeniedHandler(problems::forbidden))
			.exceptionHandling(handling -> handling.authenticationEntryPoint(problems::unauthorized)
				.accessDeniedHandler(problems::forbidden))
			.build();
	}

	/** Verifies this service's own tokens: signature by its key, issuer, audience, expiry. */
	@Bean
	ReactiveJwtDecoder jwtDecoder(SigningKeys keys, TokenSettings settings) {
		NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withPublicKey(keys.publicKey()).build();
		OAuth2TokenValidator<Jwt> audience = new JwtClaimValidator<List<String>>("aud",
				aud -> aud != null && aud.stream().anyMatch(settings.audience()::contains));
		decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
				JwtValidators.createDefaultWithIssuer(settings.issuer().toString()), audience));
		return decoder;
	}

	/** Authorities from the token: {@code ROLE_x} for each of {@code roles}, {@code SCOPE_x} for each scope. */
	static Mono<AbstractAuthenticationToken> authenticate(Jwt jwt) {
		Collection<GrantedAuthority> authorities = new ArrayList<>();
		List<String> roles = jwt.getClaimAsStringList("roles");
		if (roles != null) {
			roles.forEach(role -> authorities.add(new SimpleGrantedAuthority("ROLE_" + role)));
		}
		String scope = jwt.getClaimAsString("scope");
		if (scope != null && !scope.isBlank()) {
			for (String each : scope.trim().split("\\s+")) {
				authorities.add(new SimpleGrantedAuthority("SCOPE_" + each));
			}
		}
		return Mono.just(new JwtAuthenticationToken(jwt, authorities, jwt.getSubject()));
	}
}
