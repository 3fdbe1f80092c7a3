package dev.tandem.support.web;

import java.net.URI;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.BearerTokenError;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.web.server.ServerWebExchange;

/**
 * Writes the security filters' refusals, and the firewall's before them, as problem details, like every other error
 * of the service; the {@code WWW-Authenticate} header stays as RFC 6750 wants it.
 */
public class ProblemResponses {

	private final JsonMapper json;

	public ProblemResponses(JsonMapper json) {
		this.json = json;
	}

	public Mono<Void> unauthorized(ServerWebExchange exchange, AuthenticationException failure) {
		// RFC 6750: no error code when no token came; invalid_token when one came and was refused.
		String challenge = failure instanceof OAuth2AuthenticationException oauth
				&& oauth.getError() instanceof BearerTokenError error
						? "Bearer error=\"" + error.getErrorCode() + "\", error_description=\""
								+ String.valueOf(error.getDescription()).replace("\"", "'") + "\""
						: "Bearer";
		exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, challenge);
		return write(exchange, HttpStatus.UNAUTHORIZED, "https://tandem.dev/problems/unauthorized", "Unauthorized",
				"A valid bearer token is required: " + failure.getMessage());
	}

	public Mono<Void> forbidden(ServerWebExchange exchange, AccessDeniedException denied) {
		return write(exchange, HttpStatus.FORBIDDEN, "https://tandem.dev/problems/forbidden", "Forbidden",
				"The token does not allow this request.");
	}

	/**
	 * A request Spring Security's firewall refused before any filter saw it: an encoded slash, dot or backslash, a
	 * {@code ;} parameter, a header value it does not allow. No {@code instance}: the refused path may not be a URI.
	 */
	public Mono<Void> rejected(ServerWebExchange exchange, ServerExchangeRejectedException rejected) {
		return write(exchange, HttpStatus.BAD_REQUEST, "https://tandem.dev/problems/rejected-request",
				"Request rejected", rejected.getMessage(), null);
	}

	private Mono<Void> write(ServerWebExchange exchange, HttpStatus status, String type, String title, String detail) {
		return write(exchange, status, type, title, detail, URI.create(exchange.getRequest().getPath().value()));
	}

	private Mono<Void> write(ServerWebExchange exchange, HttpStatus status, String type, String title, String detail,
			@Nullable URI instance) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(URI.create(type));
		problem.setTitle(title);
		problem.setInstance(instance);
		ServerHttpResponse response = exchange.getResponse();
		response.setStatusCode(status);
		response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		response.getHeaders().remove(HttpHeaders.CONTENT_LENGTH);
		DataBuffer body = response.bufferFactory().wrap(json.writeValueAsBytes(problem));
		return response.writeWith(Mono.just(body));
	}
}
