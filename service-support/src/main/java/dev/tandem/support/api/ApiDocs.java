package dev.tandem.support.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import org.springdoc.core.customizers.OpenApiCustomizer;

/**
 * What every Tandem API description holds: the service's name and version, one server relative to where it is
 * served (so the document is the same on every host, and can be committed), the bearer-token scheme, and problem
 * details (RFC 9457, {@code application/problem+json}) as the body of every 4xx and 5xx answer.
 */
public final class ApiDocs {

	static final String BEARER = "bearer";

	static final String PROBLEM = "Problem";

	private ApiDocs() {
	}

	/** The document's frame for a service. */
	public static OpenAPI openApi(String title, String description, String version) {
		return new OpenAPI().info(new Info().title(title)
			.description(description)
			.version(version)
			.license(new License().name("Apache-2.0")))
			.servers(List.of(new Server().url("/").description("where this document is served")))
			.components(new Components()
				.addSecuritySchemes(BEARER, new SecurityScheme().type(SecurityScheme.Type.HTTP)
					.scheme("bearer")
					.bearerFormat("JWT")
					.description("An OAuth2 access token: identity-service's, or the Keycloak realm's."))
				.addSchemas(PROBLEM, problemSchema()))
			.addSecurityItem(new SecurityRequirement().addList(BEARER));
	}

	/** Adds the problem-details answers to every operation that does not declare its own. */
	public static OpenApiCustomizer problemResponses() {
		return openApi -> {
			if (openApi.getPaths() == null) {
				return;
			}
			openApi.getPaths().values().forEach(path -> path.readOperations().forEach(ApiDocs::addProblems));
		};
	}

	private static void addProblems(Operation operation) {
		ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
		// In this order every time: Map.of's order changes from one JVM to the next, and the document is committed.
		Map<String, String> descriptions = new LinkedHashMap<>();
		descriptions.put("4XX", "The request was refused: the problem says why and names each invalid field of the "
				+ "body (with its JSON pointer) or parameter; nothing was changed.");
		descriptions.put("5XX", "The service could not answer now (503 with Retry-After when a dependency is down).");
		descriptions.forEach((status, description) -> {
			if (!responses.containsKey(status)) {
				responses.addApiResponse(status, new ApiResponse().description(description)
					.content(new Content().addMediaType("application/problem+json",
							new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM)))));
			}
		});
		operation.setResponses(responses);
	}

	@SuppressWarnings("rawtypes")
	private static Schema problemSchema() {
		return new ObjectSchema().description("Problem details (RFC 9457); some problems add members, such as "
				+ "errors: one per invalid field of the body (field, pointer, message) or parameter (parameter, "
				+ "message).")
			.addProperty("type", new StringSchema().format("uri"))
			.addProperty("title", new StringSchema())
			.addProperty("status", new IntegerSchema())
			.addProperty("detail", new StringSchema())
			.addProperty("instance", new StringSchema().format("uri-reference"))
			.additionalProperties(true);
	}
}
