package dev.tandem.profile.profiles;

import java.util.Set;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What profiles show to whom.
 *
 * @param publicFields the fields any signed-in user sees of someone else's profile; the owner and admins see all
 */
@ConfigurationProperties("tandem.profiles")
record ProfileSettings(
		@DefaultValue({ "username", "displayName", "bio", "website", "company", "location" }) Set<String> publicFields) {
}
