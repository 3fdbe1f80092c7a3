package dev.tandem.identity.token;

import java.util.Base64;

import javax.crypto.spec.SecretKeySpec;

import dev.tandem.identity.WithLocalUsers;

import org.springframework.stereotype.Component;

/**
 * The keys of the login throttle's counters: what was typed (the address, the login) only as an HMAC-SHA256 keyed
 * with a secret derived from the token signing key, so the table shows none of it and nobody who reads it can test
 * guesses against it without that key. A login that names no user is counted under the login as typed, which may be
 * a password typed into the wrong field; an IPv4 address has few enough values to try them all against a plain
 * digest. Every replica signs with the same key and so computes the same keys; a new signing key starts the counters
 * again. The keys are also of one length, whatever the length of an address ({@code X-Forwarded-For} behind a
 * gateway says what it likes) or of a login.
 */
@Component
@WithLocalUsers
class ThrottleKeys {

	private final SecretKeySpec secret;

	ThrottleKeys(SigningKeys signingKeys) {
		this.secret = new SecretKeySpec(signingKeys.derivedSecret("tandem login throttle"), HmacSha256.ALGORITHM);
	}

	String address(String clientAddress) {
		return "address:" + mac(clientAddress);
	}

	String pair(String account, String clientAddress) {
		return "pair:" + mac(account + "\n" + clientAddress);
	}

	String account(String account) {
		return "account:" + mac(account);
	}

	private String mac(String typed) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(HmacSha256.of(secret, typed));
	}
}
