package dev.tandem.identity.security;

import dev.tandem.identity.IdentitySettings;
import dev.tandem.identity.WithLocalUsers;
import dev.tandem.identity.token.SigningKeys;
import dev.tandem.identity.token.TokenSettings;
import dev.tandem.support.security.TokenAuthorities;
import dev.tandem.support.security.TokenValidation;
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
		return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
			.formLogin(ServerHttpSecurity.FormLoginSpec::disable)
			.logout(ServerHttpSecurity.LogoutSpec::disable)
			.requestCache(ServerHttpSecurity.RequestCacheSpec::disable)
			.authorizeExchange(exchanges -> exchanges
				.pathMatchers(HttpMethod.POST, "/api/users", "/oauth2/token").permitAll()
				.pathMatchers(HttpMethod.GET, "/.well-known/openid-configuration", "/oauth2/jwks").permitAll()
				.pathMatchers("/actuator/health/**", "/actuator/info", "/livez", "/readyz").permitAll()
				// Metrics for the scraper (the network policy keeps them inside the cluster), and the API description.
				.pathMatchers(HttpMethod.GET, "/actuator/prometheus", "/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html",
						"/swagger-ui/**", "/webjars/swagger-ui/**")
				.permitAll()
				.pathMatchers("/internal/**").hasAuthority("SCOPE_users:read")
				.pathMatchers("/api/users/me", "/api/users/me/**").hasAuthority("SCOPE_profile")
				.pathMatchers("/api/users", "/api/users/**", "/api/admin/**").hasRole("admin")
				.anyExchange().denyAll())
			.oauth2ResourceServer(server -> server
				.jwt(jwt -> jwt.jwtDecoder(decoder)
					.jwtAuthenticationConverter(token -> TokenAuthorities.authenticate(token, identity.rolesClaim())))
				.authenticationEntryPoint(problems::unauthorized)
				.accessDeniedHandler(problems::forbidden))
			.exceptionHandling(handling -> handling.authenticationEntryPoint(problems::unauthorized)
				.accessDeniedHandler(problems::forbidden))
			.build();
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
		return decoder;
	}
}
