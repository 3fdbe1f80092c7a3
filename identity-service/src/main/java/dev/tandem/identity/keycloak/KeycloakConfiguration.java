package dev.tandem.identity.keycloak;

import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.tandem.identity.WithKeycloakUsers;
import dev.tandem.support.security.TokenValidation;
import dev.tandem.support.security.VerifiedTokens;
import org.jboss.resteasy.client.jaxrs.internal.ResteasyClientBuilderImpl;
import org.keycloak.OAuth2Constants;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.KeycloakBuilder;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

/**
 * The Keycloak admin client, authenticated as a confidential client's service account, and the verification of the
 * realm's tokens, which replace identity-service's own.
 */
@Configuration(proxyBeanMethods = false)
@WithKeycloakUsers
class KeycloakConfiguration {

	@Bean(destroyMethod = "close")
	Keycloak keycloakAdmin(KeycloakSettings settings) {
		long timeout = settings.timeout().toMillis();
		return KeycloakBuilder.builder()
			.serverUrl(settings.serverUrl().toString())
			.realm(settings.realm())
			.grantType(OAuth2Constants.CLIENT_CREDENTIALS)
			.clientId(settings.clientId())
			.clientSecret(settings.clientSecret())
			.resteasyClient(new ResteasyClientBuilderImpl().connectionPoolSize(16)
				.connectTimeout(timeout, TimeUnit.MILLISECONDS)
				.readTimeout(timeout, TimeUnit.MILLISECONDS)
				.build())
			.build();
	}

	/** Verifies the realm's access tokens: signature by a key the realm publishes, issuer, audience, expiry. */
	@Bean
	ReactiveJwtDecoder jwtDecoder(KeycloakSettings settings) {
		NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder
			.withJwkSetUri(settings.realmUrl() + "/protocol/openid-connect/certs")
			.build();
		decoder.setJwtValidator(TokenValidation.of(settings.tokenIssuer(), List.of(settings.audience())));
		return VerifiedTokens.around(decoder);
	}
}
