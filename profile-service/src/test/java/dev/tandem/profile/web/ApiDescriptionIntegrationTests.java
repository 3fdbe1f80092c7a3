package dev.tandem.profile.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.tandem.profile.ProfileIntegrationTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API description profile-service serves is the one committed under {@code docs/openapi/}: a change of the API
 * that is not in the committed document fails here. {@code ./mvnw verify -Dopenapi.write=true} writes it anew.
 */
@ProfileIntegrationTest
class ApiDescriptionIntegrationTests {

	static final Path COMMITTED = Path.of("..", "docs", "openapi", "profile-service.json");

	static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	@Autowired
	WebTestClient http;

	@Test
	void servesAnOpenApi31DocumentWithBearerSecurityAndProblemDetails() {
		JsonNode served = served();

		assertThat(served.path("openapi").asString()).startsWith("3.1");
		assertThat(served.at("/components/securitySchemes/bearer/scheme").asString()).isEqualTo("bearer");
		assertThat(served.at("/paths/~1api~1profiles~1me/patch/responses/4XX/content").has("application/problem+json"))
			.isTrue();
	}

	@Test
	void describesAMergePatchAndTheCustomFieldsAsJsonObjectsNotAsJacksonsNodeClass() {
		JsonNode served = served();

		assertThat(served.at("/paths/~1api~1profiles~1me/patch/requestBody/content/application~1merge-patch+json/schema")
			.toString()).isEqualTo("{\"type\":\"object\"}");
		assertThat(served.at("/components/schemas/ProfileView/properties/attributes/type").asString()).isEqualTo("object");
		assertThat(served.at("/components/schemas").has("JsonNode")).isFalse();
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
