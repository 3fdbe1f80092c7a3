package dev.tandem.identity.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.tandem.identity.IdentityIntegrationTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API description identity-service serves is the one committed under {@code docs/openapi/}: a change of the API
 * that is not in the committed document fails here. {@code ./mvnw verify -Dopenapi.write=true} writes it anew.
 */
@IdentityIntegrationTest
class ApiDescriptionIntegrationTests {

	static final Path COMMITTED = Path.of("..", "docs", "openapi", "identity-service.json");

	static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	@Autowired
	WebTestClient http;

	@Test
	void servesAnOpenApi31DocumentWithBearerSecurityAndProblemDetails() {
		JsonNode served = served();

		assertThat(served.path("openapi").asString()).startsWith("3.1");
		assertThat(served.at("/components/securitySchemes/bearer/scheme").asString()).isEqualTo("bearer");
		assertThat(served.at("/paths/~1api~1users/post/responses/4XX/content").has("application/problem+json"))
			.isTrue();
	}

	@Test
	void servesTheCommittedDocument() throws IOException {
		JsonNode served = served();
		if (Boolean.getBoolean("openapi.write")) {
			Files.createDirectories(COMMITTED.getParent());
			Files.writeString(COMMITTED, JSON.writeValueAsString(served) + "\n");
		}

		assertThat(served).as("the served API description differs from %s; if the change is meant, run "
				+ "./mvnw verify -Dopenapi.write=true and commit the file", COMMITTED)
			.isEqualTo(JSON.readTree(COMMITTED.toFile()));
	}

	private JsonNode served() {
		return JSON.readTree(http.get().uri("/v3/api-docs").exchange()
			.expectStatus().isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody());
	}
}
