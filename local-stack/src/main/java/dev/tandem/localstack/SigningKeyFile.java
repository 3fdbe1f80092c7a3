package dev.tandem.localstack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.util.Base64;

/**
 * The local run's token signing key: a 2048-bit RSA key in a PKCS#8 PEM file under the data directory, made once,
 * so tokens issued before a restart still verify after it. Production brings its own key.
 */
final class SigningKeyFile {

	private SigningKeyFile() {
	}

	/** The key file in {@code directory}, created if missing. */
	static Path in(Path directory) throws IOException {
		Path file = directory.resolve("token-signing-key.pem");
		if (Files.exists(file)) {
			return file;
		}
		Files.createDirectories(directory);
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048);
			byte[] pkcs8 = generator.generateKeyPair().getPrivate().getEncoded();
			String pem = "-----BEGIN PRIVATE KEY-----\n"
					+ Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pkcs8)
					+ "\n-----END PRIVATE KEY-----\n";
			Path temporary = directory.resolve("token-signing-key.pem.tmp");
			Files.deleteIfExists(temporary);
			// Readable by its owner only: it is a private key.
			Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
			Path written = Files.writeString(temporary, pem);
			return Files.move(written, file);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("RSA keys cannot be generated here", ex);
		}
	}
}
