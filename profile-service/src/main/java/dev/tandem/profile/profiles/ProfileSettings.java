package dev.tandem.profile.profiles;

import java.util.Set;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What profiles hold and show to whom.
 *
 * @param schema where the JSON Schema of the custom fields ({@code attributes}) is: a Spring resource location such
 *        as {@code file:/etc/tandem/profile-schema.json}
 * @param publicFields the fixed fields any signed-in user sees of someone else's profile; the owner and admins see
 *        all
 * @param publicAttributes likewise, the custom fields
 */
@ConfigurationProperties("tandem.profiles")
record ProfileSettings(@DefaultValue("classpath:profile-schema.json") String schema,
		@DefaultValue({ "username", "displayName", "bio", "website", "company", "location" }) Set<String> publicFields,
		@DefaultValue({ "pronouns", "timezone", "languages" }) Set<String> publicAttributes) {
}
