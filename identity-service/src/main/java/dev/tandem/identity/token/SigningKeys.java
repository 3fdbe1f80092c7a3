package dev.tandem.identity.token;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;

import javax.crypto.spec.SecretKeySpec;

import dev.tandem.identity.WithLocalUsers;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.security.converter.RsaKeyConverters;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * The key tokens are signed with, from configuration (a PEM file), or generated for a local run, which the log then
 * says loudly. Its public half is published at {@code /oauth2/jwks}.
 */
@Component
@WithLocalUsers
public class SigningKeys {

	private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);

	private final RSAKey key;

	private final JwtEncoder encoder;

	private final PrivateKey privateKey;

	SigningKeys(TokenSettings settings) {
		KeyPair pair = load(settings.signingKey());
		this.privateKey = pair.getPrivate();
		try {
			RSAKey withoutId = new RSAKey.Builder((RSAPublicKey) pair.getPublic()).privateKey(pair.getPrivate()).build();
			String configured = settings.signingKey().keyId();
			String keyId = StringUtils.hasText(configured) ? configured : withoutId.computeThumbprint().toString();
			this.key = new RSAKey.Builder((RSAPublicKey) pair.getPublic()).privateKey(pair.getPrivate())
				.keyID(keyId)
				.keyUse(KeyUse.SIGNATURE)
				.algorithm(JWSAlgorithm.RS256)
				.build();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("the signing key's thumbprint could not be computed", ex);
		}
		this.encoder = new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(key)));
	}

	private static KeyPair load(TokenSettings.SigningKey settings) {
		if (settings.privateKey() != null) {
			try (InputStream pem = settings.privateKey().getInputStream()) {
				RSAPrivateKey privateKey = RsaKeyConverters.pkcs8().convert(pem);
				if (!(privateKey instanceof RSAPrivateCrtKey crt)) {
					throw new IllegalStateException("the signing key must be an RSA private key with CRT parameters");
				}
				RSAPublicKey publicKey = (RSAPublicKey) KeyFactory.getInstance("RSA")
					.generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
				return new KeyPair(publicKey, privateKey);
			}
			catch (IOException ex) {
				throw new UncheckedIOException("the signing key " + settings.privateKey() + " could not be read", ex);
			}
			catch (GeneralSecurityException ex) {
				throw new IllegalStateException("the signing key is not a usable RSA key", ex);
			}
		}
		if (!settings.generate()) {
			throw new IllegalStateException("No token signing key is configured: set tandem.tokens.signing-key.private-key "
					+ "(TOKEN_SIGNING_KEY) to a PKCS#8 PEM file, or tandem.tokens.signing-key.generate=true for a local run");
		}
		log.warn("Signing tokens with a key generated at start-up: for local runs only. Tokens die with this process "
				+ "and other replicas cannot verify them. Configure tandem.tokens.signing-key.private-key in production.");
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048);
			return generator.generateKeyPair();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	JwtEncoder encoder() {
		return encoder;
	}

	String keyId() {
		return key.getKeyID();
	}

	/** The public key, for verifying this service's own tokens. */
	public RSAPublicKey publicKey() {
		try {
			return key.toRSAPublicKey();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The public JWK set, as published. */
	JWKSet publicKeys() {
		return new JWKSet(key.toPublicJWK());
	}

	/**
	 * A secret for {@code purpose}, derived from the signing key (HMAC-SHA256 keyed with it): the same on every
	 * replica, since they all sign with one key, and beyond reach of whoever lacks that key. A new signing key gives
	 * a new secret.
	 */
	byte[] derivedSecret(String purpose) {
		return HmacSha256.of(new SecretKeySpec(privateKey.getEncoded(), HmacSha256.ALGORITHM), purpose);
	}
}
