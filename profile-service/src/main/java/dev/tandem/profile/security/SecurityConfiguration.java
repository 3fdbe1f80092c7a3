package dev.tandem.profile.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

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
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
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
		return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
			.formLogin(ServerHttpSecurity.FormLoginSpec::disable)
			.logout(ServerHttpSecurity.LogoutSpec::disable)
			.requestCache(ServerHttpSecurity.RequestCacheSpec::disable)
			.authorizeExchange(exchanges -> exchanges
				.pathMatchers("/actuator/health/**", "/actuator/info").permitAll()
				.pathMatchers("/api/profiles/me", "/api/profiles/me/**").hasAuthority("SCOPE_profile")
				.pathMatchers(HttpMethod.GET, "/api/profiles/*").authenticated()
				.pathMatchers(HttpMethod.PATCH, "/api/profiles/*").hasRole("admin")
				.pathMatchers("/api/admin/**").hasRole("admin")
				.anyExchange().denyAll())
			.oauth2ResourceServer(server -> server
				.jwt(jwt -> jwt.jwtDecoder(decoder)
					.jwtAuthenticationConverter(token -> authenticate(token, settings.rolesClaim())))
				.authenticationEntryPoint(problems::unauthorized)
				.accessDeniedHandler(problems::forbidden))
			.exceptionHandling(handling -> handling.authenticationEntryPoint(problems::unauthorized)
				.accessDeniedHandler(problems::forbidden))
			.build();
	}

	@Bean
	ReactiveJwtDecoder jwtDecoder(IdentitySettings settings) {
		NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder
			.withJwkSetUri(settings.effectiveJwkSetUri().toString())
			.build();
		decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
				JwtValidators.createDefaultWithIssuer(settings.issuer()),
				new JwtClaimValidator<List<String>>("aud",
						aud -> aud != null && aud.stream().anyMatch(settings.audience()::contains))));
		return decoder;
	}

	/** Authorities: {@code ROLE_x} for each role in the roles claim, {@code SCOPE_x} for each scope. */
	static Mono<AbstractAuthenticationToken> authenticate(Jwt jwt, String rolesClaim) {
		Collection<GrantedAuthority> authorities = new ArrayList<>();
		for (String role : roles(jwt.getClaims(), rolesClaim)) {
			authorities.add(new SimpleGrantedAuthority("ROLE_" + role));
		}
		String scope = jwt.getClaimAsString("scope");
		if (scope != null && !scope.isBlank()) {
			for (String each : scope.trim().split("\\s+")) {
				authorities.add(new SimpleGrantedAuthority("SCOPE_" + each));
			}
		}
		return Mono.just(new JwtAuthenticationToken(jwt, authorities, jwt.getSubject()));
	}

	/** The roles at a dotted claim path, such as {@code roles} or Keycloak's {@code realm_access.roles}. */
	static List<String> roles(Map<String, Object> claims, String path) {
		Object node = claims;
		for (String part : path.split("\\.")) {
			if (!(node instanceof Map<?, ?> map)) {
				return List.of();
			}
			node = map.get(part);
		}
		if (!(node instanceof Collection<?> values)) {
			return List.of();
		}
		return values.stream().map(String::valueOf).toList();
	}
}
