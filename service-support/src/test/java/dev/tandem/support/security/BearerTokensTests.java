package dev.tandem.support.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.web.server.authentication.ServerBearerTokenAuthenticationConverter;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;

import static org.assertj.core.api.Assertions.assertThat;

/** The bearer token converter gives Spring Security's answers, token for token and refusal for refusal. */
class BearerTokensTests {

	private static final String JWT = "eyJraWQiOiJrMSIsImFsZyI6IlJTMjU2In0.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl-_";

	static List<String> headers() {
		List<String> headers = new ArrayList<>(List.of("Bearer " + JWT, "bearer " + JWT, "BEARER " + JWT,
				"Bearer abc==", "Bearer a.b~c+d/e", "Bearer =", "Bearer ", "Bearer", "Bearer  " + JWT, "Bearer " + JWT + " ",
				"Bearer " + JWT + "=x", "Bearer ab=c", "Bearer a b", "Bearer\t" + JWT, "Bearer é", "Bearerx " + JWT,
				"Basic dXNlcjpwYXNz", "Token " + JWT, "", "B", "Bear", "bearer", "BeArEr tok%en", "Bearer tok\u0000en"));
		// And random ones near the edges of the syntax.
		Random random = new Random(42);
		String alphabet = "aZ09-._~+/= \t%é";
		for (int i = 0; i < 300; i++) {
			StringBuilder header = new StringBuilder(random.nextBoolean() ? "Bearer " : "bEaReR");
			for (int length = random.nextInt(12); length > 0; length--) {
				header.append(alphabet.charAt(random.nextInt(alphabet.length())));
			}
			headers.add(header.toString());
		}
		return headers;
	}

	@ParameterizedTest
	@MethodSource("headers")
	void answersAsSpringSecuritysConverterDoes(String header) {
		assertThat(outcome(new BearerTokens(), header)).isEqualTo(outcome(new ServerBearerTokenAuthenticationConverter(), header));
	}

	@Test
	void leavesRequestsWithoutAnAuthorizationHeaderToOthers() {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/profiles/me"));

		assertThat(new BearerTokens().convert(exchange).blockOptional()).isEmpty();
	}

	@Test
	void takesTheTokenOfAWellFormedHeader() {
		assertThat(BearerTokens.token("Bearer " + JWT)).isEqualTo(JWT);
		assertThat(BearerTokens.token("Basic dXNlcjpwYXNz")).isNull();
	}

	/** The token taken, "none", or the refusal's error code and description. */
	private static String outcome(ServerAuthenticationConverter converter, String header) {
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.get("/api/profiles/me").header(HttpHeaders.AUTHORIZATION, header));
		try {
			Authentication authentication = converter.convert(exchange).block();
			return authentication == null ? "none" : "token " + ((BearerTokenAuthenticationToken) authentication).getToken();
		}
		catch (OAuth2AuthenticationException refused) {
			return "refused " + refused.getError().getErrorCode() + ": " + refused.getError().getDescription();
		}
	}
}
