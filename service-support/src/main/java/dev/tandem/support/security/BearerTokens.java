package dev.tandem.support.security;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.BearerTokenErrors;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.web.server.ServerWebExchange;

/**
 * Takes the bearer token from the {@code Authorization} header, with the rules and refusals of Spring Security's
 * {@code ServerBearerTokenAuthenticationConverter} in its default setting (no token in the query or the form), and
 * without its regular expression: matched case-insensitively over the whole token, character by character, that
 * expression was 6 % of the CPU of a profile read (docs/benchmarks.md). {@code BearerTokensTests} holds the two to
 * the same answers.
 */
public final class BearerTokens implements ServerAuthenticationConverter {

	private static final String SCHEME = "Bearer ";

	@Override
	public Mono<Authentication> convert(ServerWebExchange exchange) {
		return Mono.fromCallable(() -> token(exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION)))
			.map(BearerTokenAuthenticationToken::new);
	}

	/**
	 * The token of an {@code Authorization} header value: null when the header does not start with "bearer" (in any
	 * case: another scheme, left to others), the token when it is {@code Bearer <token68>} (RFC 6750, section 2.1).
	 *
	 * @throws OAuth2AuthenticationException {@code invalid_token} for a malformed bearer header
	 */
	static @Nullable String token(@Nullable String authorization) {
		if (authorization == null || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length() - 1)) {
			return null;
		}
		int length = authorization.length();
		if (length <= SCHEME.length() || authorization.charAt(SCHEME.length() - 1) != ' ') {
			throw malformed();
		}
		int end = SCHEME.length();
		while (end < length && isToken68(authorization.charAt(end))) {
			end++;
		}
		if (end == SCHEME.length()) {
			throw malformed();
		}
		while (end < length && authorization.charAt(end) == '=') {
			end++;
		}
		if (end != length) {
			throw malformed();
		}
		return authorization.substring(SCHEME.length());
	}

	/** {@code ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/"}. */
	private static boolean isToken68(char c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
				|| c == '_' || c == '~' || c == '+' || c == '/';
	}

	private static OAuth2AuthenticationException malformed() {
		return new OAuth2AuthenticationException(BearerTokenErrors.invalidToken("Bearer token is malformed"));
	}
}
