package dev.tandem.identity;

import java.util.Map;
import java.util.UUID;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

/**
 * Registers users and logs them in through the public API, as a client would.
 */
public final class TestUsers {

	public static final String PASSWORD = "correct horse battery staple";

	private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
	};

	private final WebTestClient http;

	public TestUsers(WebTestClient http) {
		this.http = http;
	}

	public static String unique(String name) {
		return name + UUID.randomUUID().toString().substring(0, 8);
	}

	/** Registers {@code username} with {@link #PASSWORD} and answers the new user's id. */
	public UUID register(String username) {
		Map<String, Object> user = http.post().uri("/api/users").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("username", username, "email", username + "@example.com", "password", PASSWORD,
					"firstName", "Test", "lastName", "User"))
			.exchange()
			.expectStatus().isCreated()
			.expectBody(JSON)
			.returnResult()
			.getResponseBody();
		return UUID.fromString((String) user.get("id"));
	}

	/** Logs in with the password grant and answers the token response. */
	public Map<String, Object> login(String login, String password) {
		return token(Map.of("grant_type", "password", "username", login, "password", password)).expectStatus()
			.isOk()
			.expectBody(JSON)
			.returnResult()
			.getResponseBody();
	}

	public String accessToken(String login) {
		return (String) login(login, PASSWORD).get("access_token");
	}

	public String adminToken() {
		return (String) login("root", IdentityIntegrationTest.ADMIN_PASSWORD).get("access_token");
	}

	public WebTestClient.ResponseSpec token(Map<String, String> form) {
		var body = BodyInserters.<String, String>fromFormData(new org.springframework.util.LinkedMultiValueMap<>());
		for (Map.Entry<String, String> field : form.entrySet()) {
			body = body.with(field.getKey(), field.getValue());
		}
		return http.post().uri("/oauth2/token").contentType(MediaType.APPLICATION_FORM_URLENCODED).body(body).exchange();
	}
}
