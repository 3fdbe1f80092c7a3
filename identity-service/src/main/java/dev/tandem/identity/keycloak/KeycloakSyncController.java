package dev.tandem.identity.keycloak;

import dev.tandem.identity.WithKeycloakUsers;
import reactor.core.publisher.Mono;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Lets an admin sync with Keycloak now, rather than at the next scheduled run: after a bulk import into the realm,
 * say.
 */
@RestController
@WithKeycloakUsers
class KeycloakSyncController {

	private final KeycloakSync sync;

	KeycloakSyncController(KeycloakSync sync) {
		this.sync = sync;
	}

	@PostMapping("/api/admin/keycloak/sync")
	Mono<SyncReport> sync() {
		return sync.sync();
	}
}
