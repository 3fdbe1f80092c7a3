package dev.tandem.support.api;

import java.util.Arrays;

import dev.tandem.support.text.Typed;
import dev.tandem.support.text.TypedText;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.ObjectSchema;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.customizers.ParameterCustomizer;
import org.springdoc.core.customizers.PropertyCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;

/**
 * The API description of a service ({@code /v3/api-docs}, Swagger UI at {@code /swagger-ui.html}), titled and
 * described by {@code tandem.api.*}, versioned by the build.
 */
@AutoConfiguration
@ConditionalOnClass(OpenAPI.class)
@EnableConfigurationProperties(ApiSettings.class)
public class ApiDocsAutoConfiguration {

	static {
		// A body or field read as a JsonNode (a merge patch, custom attributes, the custom fields' JSON Schema) is a
		// JSON object to clients, not the bean properties of Jackson's node class, which springdoc would describe.
		SpringDocUtils.getConfig().replaceWithSchema(JsonNode.class, new ObjectSchema());
	}

	@Bean
	@ConditionalOnMissingBean
	OpenAPI openApi(ApiSettings settings, ObjectProvider<BuildProperties> build) {
		BuildProperties properties = build.getIfAvailable();
		return ApiDocs.openApi(settings.title(), settings.description(),
				properties == null ? "dev" : properties.getVersion());
	}

	@Bean
	OpenApiCustomizer problemDetailsInApiDocs() {
		return ApiDocs.problemResponses();
	}

	/**
	 * A {@link Typed} field or parameter is described with the rule as a pattern, as springdoc does for a standard
	 * {@code @Pattern}.
	 */
	@Bean
	PropertyCustomizer typedTextPropertiesInApiDocs() {
		return (property, type) -> {
			if (type.getCtxAnnotations() != null
					&& Arrays.stream(type.getCtxAnnotations()).anyMatch(Typed.class::isInstance)) {
				property.setPattern(TypedText.PATTERN);
			}
			return property;
		};
	}

	@Bean
	ParameterCustomizer typedTextParametersInApiDocs() {
		return (parameter, methodParameter) -> {
			if (methodParameter.hasParameterAnnotation(Typed.class) && parameter.getSchema() != null) {
				parameter.getSchema().setPattern(TypedText.PATTERN);
			}
			return parameter;
		};
	}
}
