package dev.tandem.identity;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where users live.
 *
 * @param provider {@code local}: in identity-service's own database, which issues the tokens; {@code keycloak}: in a
 *        Keycloak realm, which issues the tokens, with identity-service's table as a mirror that feeds the events
 */
@ConfigurationProperties("tandem.identity")
public record IdentitySettings(@DefaultValue("local") Provider provider) {

	/** The claim of an access token that holds the user's roles. */
	public String rolesClaim() {
		return provider == Provider.KEYCLOAK ? "realm_access.roles" : "roles";
	}

	/** The stores users can live in. */
	public enum Provider {

		LOCAL, KEYCLOAK
	}
}
