package dev.tandem.identity.user;

import java.util.List;

/**
 * The identity provider (Keycloak) refused values of a user, other than a taken name or a weak password: its own
 * rules for usernames, names or emails. Nothing was changed.
 */
public class DirectoryRefused extends RuntimeException {

	private final List<Refusal> refusals;

	public DirectoryRefused(String directory, List<Refusal> refusals) {
		super(directory + " refused " + (refusals.size() == 1 ? "a value" : refusals.size() + " values") + ".");
		this.refusals = List.copyOf(refusals);
	}

	public List<Refusal> refusals() {
		return refusals;
	}

	/** One refused value: the request field and the provider's reason. */
	public record Refusal(String field, String message) {
	}
}
