package dev.tandem.identity.user;

import java.util.UUID;

import reactor.core.publisher.Mono;

/**
 * Ends a user's sessions (their refresh tokens), for changes after which old logins must not go on: a deactivated
 * account, a new password. Implemented where tokens live.
 */
public interface Sessions {

	Mono<Void> endAll(UUID userId);
}
