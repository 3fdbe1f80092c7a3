package dev.tandem.profile.identity;

import java.util.UUID;

/**
 * A user's identity facts as identity-service's internal API answers them: the same as in every user event.
 */
public record UserFacts(UUID userId, long version, String username, String email, String firstName, String lastName,
		boolean active) {
}
