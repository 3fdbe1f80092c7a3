package dev.tandem.support.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import reactor.core.publisher.Mono;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Authorities from a token: {@code ROLE_x} for each role in the roles claim (dotted for nested claims, such as
 * Keycloak's {@code realm_access.roles}), {@code SCOPE_x} for each scope. The authentication's name is the subject.
 */
public final class TokenAuthorities {

	private TokenAuthorities() {
	}

	public static Mono<AbstractAuthenticationToken> authenticate(Jwt jwt, String rolesClaim) {
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

	/** The roles at a dotted claim path, such as {@code roles} or {@code realm_access.roles}. */
	public static List<String> roles(Map<String, Object> claims, String path) {
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
