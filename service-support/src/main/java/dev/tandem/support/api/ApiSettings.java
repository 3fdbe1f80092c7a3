package dev.tandem.support.api;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How a service describes its API.
 *
 * @param title the document's title
 * @param description what the API is for
 */
@ConfigurationProperties("tandem.api")
public record ApiSettings(@DefaultValue("Tandem") String title, @DefaultValue("") String description) {
}
