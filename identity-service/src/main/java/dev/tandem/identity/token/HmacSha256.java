package dev.tandem.identity.token;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256 of a text, for the secrets and keys derived from the signing key. */
final class HmacSha256 {

	static final String ALGORITHM = "HmacSHA256";

	private HmacSha256() {
	}

	/** The code of {@code text} (as UTF-8) under {@code key}; a new {@link Mac} each time, as one is not thread-safe. */
	static byte[] of(SecretKeySpec key, String text) {
		try {
			Mac mac = Mac.getInstance(ALGORITHM);
			mac.init(key);
			return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Every Java platform has " + ALGORITHM, ex);
		}
	}
}
