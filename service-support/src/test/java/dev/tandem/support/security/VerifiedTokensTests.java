package dev.tandem.support.security;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.BadJwtException;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VerifiedTokensTests {

	private static final String ISSUER = "http://localhost:8081";

	private static KeyPair keys;

	private static NimbusJwtEncoder signer;

	private final MovableClock clock = new MovableClock(Instant.now());

	private final AtomicInteger verifications = new AtomicInteger();

	@BeforeAll
	static void keys() throws Exception {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		keys = generator.generateKeyPair();
		signer = new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(new RSAKey.Builder((RSAPublicKey) keys.getPublic())
			.privateKey((RSAPrivateKey) keys.getPrivate())
			.keyID("k1")
			.build())));
	}

	@Test
	void aTokenSentAgainIsNotVerifiedAgain() {
		VerifiedTokens tokens = tokens(Duration.ofMinutes(5));
		String token = token("alice", Duration.ofMinutes(10));

		Jwt first = tokens.decode(token).block();
		Jwt second = tokens.decode(token).block();

		assertThat(second).isSameAs(first);
		assertThat(second.getSubject()).isEqualTo("alice");
		assertThat(verifications).hasValue(1);
	}

	@Test
	void anExpiredTokenIsVerifiedAgainAndRefused() {
		VerifiedTokens tokens = tokens(Duration.ofMinutes(5));
		String token = token("alice", Duration.ofMinutes(2));
		tokens.decode(token).block();

		clock.advance(Duration.ofMinutes(3));

		assertThatThrownBy(() -> tokens.decode(token).block()).isInstanceOf(JwtValidationException.class)
			.hasMessageContaining("expired");
		assertThat(verifications).hasValue(2);
	}

	@Test
	void aRememberedTokenIsVerifiedAgainAfterTheMaximumAge() {
		VerifiedTokens tokens = tokens(Duration.ofMinutes(5));
		String token = token("alice", Duration.ofHours(1));
		tokens.decode(token).block();

		clock.advance(Duration.ofMinutes(6));
		tokens.decode(token).block();

		assertThat(verifications).hasValue(2);
	}

	@Test
	void aRefusedTokenIsNotRememberedAndStaysRefused() {
		VerifiedTokens tokens = tokens(Duration.ofMinutes(5));
		String token = token("alice", Duration.ofMinutes(10));
		String tampered = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");

		for (int attempt = 0; attempt < 2; attempt++) {
			assertThatThrownBy(() -> tokens.decode(tampered).block()).isInstanceOf(BadJwtException.class);
		}
		assertThat(verifications).hasValue(2);
	}

	@Test
	void onlyTheExactTokenTextIsRemembered() {
		VerifiedTokens tokens = tokens(Duration.ofMinutes(5));
		tokens.decode(token("alice", Duration.ofMinutes(10))).block();

		Jwt bob = tokens.decode(token("bob", Duration.ofMinutes(10))).block();

		assertThat(bob.getSubject()).isEqualTo("bob");
		assertThat(verifications).hasValue(2);
	}

	private VerifiedTokens tokens(Duration maxAge) {
		NimbusReactiveJwtDecoder nimbus = NimbusReactiveJwtDecoder.withPublicKey((RSAPublicKey) keys.getPublic()).build();
		JwtTimestampValidator timestamps = new JwtTimestampValidator(Duration.ZERO);
		timestamps.setClock(clock);
		nimbus.setJwtValidator(new DelegatingOAuth2TokenValidator<>(timestamps, new JwtIssuerValidator(ISSUER)));
		ReactiveJwtDecoder counting = token -> Mono.defer(() -> {
			verifications.incrementAndGet();
			return nimbus.decode(token);
		});
		return new VerifiedTokens(counting, 100, maxAge, clock);
	}

	private String token(String subject, Duration validFor) {
		Instant now = clock.instant();
		return signer.encode(JwtEncoderParameters.from(JwtClaimsSet.builder()
			.issuer(ISSUER)
			.subject(subject)
			.audience(List.of("tandem"))
			.issuedAt(now)
			.expiresAt(now.plus(validFor))
			.build())).getTokenValue();
	}

	/** A clock the test moves forward. */
	private static final class MovableClock extends Clock {

		private Instant now;

		MovableClock(Instant now) {
			this.now = now;
		}

		void advance(Duration duration) {
			now = now.plus(duration);
		}

		@Override
		public Instant instant() {
			return now;
		}

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}
	}
}
