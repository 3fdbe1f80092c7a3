package dev.tandem.identity.user;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Verifies Django's default password hashes, {@code pbkdf2_sha256$<iterations>$<salt>$<base64 hash>}, with the JDK's
 * PBKDF2-HMAC-SHA256, so users imported from a Django project keep their passwords. It never makes new hashes: a
 * successful login rehashes the password with the current encoder ({@code upgradeEncoding}).
 */
public class DjangoPasswordEncoder implements PasswordEncoder {

	public static final String ID = "django";

	private static final String ALGORITHM = "pbkdf2_sha256";

	/**
	 * The most iterations a hash may ask for. Django's default is about a million (1 000 000 in Django 5.2); a hash
	 * asking for a thousand times that would make every login attempt at its account cost minutes of CPU.
	 */
	public static final int MAX_ITERATIONS = 10_000_000;

	@Override
	public String encode(CharSequence rawPassword) {
		throw new UnsupportedOperationException("Django hashes are only verified, never made");
	}

	@Override
	public boolean matches(CharSequence rawPassword, String encodedPassword) {
		String[] parts = encodedPassword.split("\\$", 4);
		if (parts.length != 4 || !parts[0].equals(ALGORITHM)) {
			return false;
		}
		try {
			int iterations = Integer.parseInt(parts[1]);
			if (!allowed(iterations)) {
				return false;
			}
			byte[] expected = Base64.getDecoder().decode(parts[3]);
			PBEKeySpec spec = new PBEKeySpec(rawPassword.toString().toCharArray(),
					parts[2].getBytes(StandardCharsets.UTF_8), iterations, expected.length * 8);
			byte[] actual = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
			return MessageDigest.isEqual(expected, actual);
		}
		catch (IllegalArgumentException | GeneralSecurityException ex) {
			return false;
		}
	}

	/**
	 * Whether {@code hash} has the form this encoder verifies, with at most {@link #MAX_ITERATIONS} and a salt of
	 * printable ASCII (Django's are letters and digits).
	 */
	public static boolean isDjangoHash(String hash) {
		String[] parts = hash.split("\\$", 4);
		return parts.length == 4 && parts[0].equals(ALGORITHM) && parts[1].matches("[0-9]{1,9}")
				&& allowed(Integer.parseInt(parts[1])) && parts[2].matches("[\\x21-\\x7e]+")
				&& parts[3].matches("[A-Za-z0-9+/=]+");
	}

	private static boolean allowed(int iterations) {
		return iterations >= 1 && iterations <= MAX_ITERATIONS;
	}
}
