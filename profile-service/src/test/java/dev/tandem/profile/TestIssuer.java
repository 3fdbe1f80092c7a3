package dev.tandem.profile;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.sun.net.httpserver.HttpServer;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

/**
 * A stand-in token issuer for profile-service's tests: it publishes a real RSA key over HTTP, as identity-service
 * does at {@code /oauth2/jwks}, and signs tokens with it through Spring Security's Nimbus encoder. Tokens from
 * identity-service itself are exercised by the end-to-end tests.
 */
public final class TestIssuer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	public static final String ISSUER = "http://identity.test";

	private static final RSAKey KEY = rsaKey("test-key");

	/** A key the issuer never published: tokens signed with it must be refused. */
	private static final RSAKey FOREIGN_KEY = rsaKey("test-key");

	private static final HttpServer JWKS = publish(KEY);

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("testIssuer", Map.of(
				"tandem.identity.issuer", ISSUER,
				"tandem.identity.jwk-set-uri", "http://127.0.0.1:" + JWKS.getAddress().getPort() + "/oauth2/jwks")));
	}

	/** A valid user token with scope {@code profile} and the given roles. */
	public static String userToken(UUID userId, String... roles) {
		return token(claims -> claims.subject(userId.toString()).claim("roles", List.of(roles)));
	}

	/** A token signed by the published key, with valid defaults that {@code customize} may override. */
	public static String token(Consumer<JwtClaimsSet.Builder> customize) {
		return sign(KEY, customize);
	}

	/** A token like {@link #token} but signed with a key the issuer never published. */
	public static String tokenSignedWithForeignKey(UUID userId) {
		return sign(FOREIGN_KEY, claims -> claims.subject(userId.toString()));
	}

	private static String sign(RSAKey key, Consumer<JwtClaimsSet.Builder> customize) {
		Instant now = Instant.now();
		JwtClaimsSet.Builder claims = JwtClaimsSet.builder()
			.issuer(ISSUER)
			.subject(UUID.randomUUID().toString())
			.audience(List.of("tandem"))
			.issuedAt(now)
			.expiresAt(now.plus(Duration.ofMinutes(10)))
			.claim("scope", "profile")
			.claim("roles", List.of());
		customize.accept(claims);
		return new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(key)))
			.encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).keyId(key.getKeyID()).build(),
					claims.build()))
			.getTokenValue();
	}

	private static RSAKey rsaKey(String keyId) {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048);
			KeyPair pair = generator.generateKeyPair();
			return new RSAKey.Builder((RSAPublicKey) pair.getPublic()).privateKey(pair.getPrivate()).keyID(keyId).build();
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static HttpServer publish(RSAKey key) {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			byte[] body = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
			server.createContext("/oauth2/jwks", exchange -> {
				exchange.getResponseHeaders().set("Content-Type", "application/json");
				exchange.sendResponseHeaders(200, body.length);
				try (OutputStream out = exchange.getResponseBody()) {
					out.write(body);
				}
			});
			server.start();
			return server;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}
}
