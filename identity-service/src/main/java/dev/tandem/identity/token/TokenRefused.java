package dev.tandem.identity.token;

/**
 * The token endpoint refuses a request, with an RFC 6749 error code such as {@code invalid_grant}.
 */
public class TokenRefused extends RuntimeException {

	private final String error;

	TokenRefused(String error, String description) {
		super(description);
		this.error = error;
	}

	/** The OAuth2 error code: {@code invalid_request}, {@code invalid_client}, {@code invalid_grant}, ... */
	public String error() {
		return error;
	}

	static TokenRefused invalidGrant(String description) {
		return new TokenRefused("invalid_grant", description);
	}

	static TokenRefused invalidRequest(String description) {
		return new TokenRefused("invalid_request", description);
	}
}
