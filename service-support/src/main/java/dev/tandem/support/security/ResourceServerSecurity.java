package dev.tandem.support.security;

import dev.tandem.support.web.ProblemResponses;

import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;

/**
 * The filter chain both services share: a stateless bearer-token resource server (no sessions, forms or CSRF), the
 * operational endpoints open (probes, build info, metrics for the scraper, the API description), the service's own
 * rules, everything else denied, and every refusal as problem details.
 */
public final class ResourceServerSecurity {

	private ResourceServerSecurity() {
	}

	/**
	 * @param rules the service's rules, applied after the operational endpoints and before "deny everything else"
	 * @param rolesClaim the token claim holding the roles, dotted for nested claims
	 */
	public static SecurityWebFilterChain chain(ServerHttpSecurity http, ReactiveJwtDecoder decoder,
			ProblemResponses problems, String rolesClaim, Customizer<ServerHttpSecurity.AuthorizeExchangeSpec> rules) {
		return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
			.formLogin(ServerHttpSecurity.FormLoginSpec::disable)
			.logout(ServerHttpSecurity.LogoutSpec::disable)
			.requestCache(ServerHttpSecurity.RequestCacheSpec::disable)
			.authorizeExchange(exchanges -> {
				exchanges.pathMatchers("/actuator/health/**", "/actuator/info", "/livez", "/readyz").permitAll()
					// Metrics for the scraper (the network policy keeps them inside the cluster), and the API
					// description.
					.pathMatchers(HttpMethod.GET, "/actuator/prometheus", "/v3/api-docs", "/v3/api-docs/**",
							"/swagger-ui.html", "/swagger-ui/**", "/webjars/swagger-ui/**")
					.permitAll();
				rules.customize(exchanges);
				exchanges.anyExchange().denyAll();
			})
			.oauth2ResourceServer(server -> server.bearerTokenConverter(new BearerTokens())
				.jwt(jwt -> jwt.jwtDecoder(decoder)
					.jwtAuthenticationConverter(token -> TokenAuthorities.authenticate(token, rolesClaim)))
				.authenticationEntryPoint(problems::unauthorized)
				.accessDeniedHandler(problems::forbidden))
			.exceptionHandling(handling -> handling.authenticationEntryPoint(problems::unauthorized)
				.accessDeniedHandler(problems::forbidden))
			.build();
	}
}
