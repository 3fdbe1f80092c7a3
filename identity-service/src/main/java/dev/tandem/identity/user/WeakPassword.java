package dev.tandem.identity.user;

/**
 * A new password breaks a rule of the password policy.
 */
public class WeakPassword extends RuntimeException {

	private final String rule;

	private final String field;

	public WeakPassword(String rule, String field, String message) {
		super(message);
		this.rule = rule;
		this.field = field;
	}

	/**
	 * The rule broken: {@code too-short}, {@code similar-to-account}, {@code too-common}, {@code too-guessable}, or
	 * {@code directory-policy} when the identity provider (Keycloak) refused it.
	 */
	public String rule() {
		return rule;
	}

	/** The request field that held the password. */
	public String field() {
		return field;
	}
}
