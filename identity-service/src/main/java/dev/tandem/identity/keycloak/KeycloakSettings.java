package dev.tandem.identity.keycloak;

import java.net.URI;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How identity-service reaches the Keycloak realm its users live in.
 *
 * @param serverUrl where identity-service reaches Keycloak, such as {@code http://keycloak:8080}
 * @param realm the realm of Tandem's users
 * @param clientId the confidential client whose service account has the realm-management roles
 *        {@code manage-users}, {@code view-users} and {@code query-users} (never the master admin)
 * @param clientSecret that client's secret
 * @param issuer the {@code iss} of the realm's tokens when Keycloak's public hostname differs from
 *        {@code serverUrl}; by default {@code serverUrl/realms/realm}
 * @param audience the audience the realm's access tokens must carry
 * @param timeout how long a call to Keycloak may take
 * @param syncEnabled whether this replica syncs on a schedule (one sync runs at a time across replicas anyway)
 * @param syncInterval the pause between two scheduled syncs
 * @param syncInitialDelay the pause before the first scheduled sync after start-up
 * @param newUserGrace users created in Keycloak this recently are left to the next sync, so a registration still
 *        writing its own mirror row and event is not raced
 * @param pageSize how many users one admin API call lists
 * @param allowMassDeletion whether a sync may delete most of the mirror at once (off: an empty or replaced realm
 *        must not delete everyone's profile)
 */
@ConfigurationProperties("tandem.keycloak")
public record KeycloakSettings(@DefaultValue("http://127.0.0.1:8180") URI serverUrl,
		@DefaultValue("tandem") String realm, @DefaultValue("identity-service") String clientId,
		@DefaultValue("") String clientSecret, @Nullable URI issuer, @DefaultValue("tandem") String audience,
		@DefaultValue("5s") Duration timeout, @DefaultValue("true") boolean syncEnabled,
		@DefaultValue("1m") Duration syncInterval, @DefaultValue("20s") Duration syncInitialDelay,
		@DefaultValue("60s") Duration newUserGrace, @DefaultValue("100") int pageSize,
		@DefaultValue("false") boolean allowMassDeletion) {

	/** The realm's base URL as identity-service reaches it. */
	public String realmUrl() {
		return serverUrl.toString().replaceAll("/+$", "") + "/realms/" + realm;
	}

	/** The {@code iss} the realm's tokens carry. */
	public String tokenIssuer() {
		return issuer != null && !issuer.toString().isBlank() ? issuer.toString() : realmUrl();
	}
}
