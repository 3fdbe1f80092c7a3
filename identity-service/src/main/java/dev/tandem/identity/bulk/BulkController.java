package dev.tandem.identity.bulk;

import java.time.Instant;

import dev.tandem.identity.user.ManagedByDirectory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Admin operations over many users (the admin role is required by the security rules).
 */
@RestController
@RequestMapping("/api/admin")
class BulkController {

	private final @Nullable UserImport userImport;

	private final Republishing republishing;

	BulkController(ObjectProvider<UserImport> userImport, Republishing republishing) {
		this.userImport = userImport.getIfAvailable();
		this.republishing = republishing;
	}

	/** Imports NDJSON, one user per line, streamed; answers the report when the last line is in. */
	@PostMapping(path = "/users/import", consumes = { "application/x-ndjson", "application/jsonl",
			MediaType.TEXT_PLAIN_VALUE })
	Mono<ImportReport> importUsers(ServerHttpRequest request) {
		if (userImport == null) {
			return Mono.error(new ManagedByDirectory("Users live in Keycloak: import them there (its partial import, "
					+ "or a user federation); the sync gives each its UserCreated."));
		}
		return userImport.run(NdjsonLines.of(request.getBody()));
	}

	/** The backfill: {@code UserCreated} again for every user, or for those who joined since a given instant. */
	@PostMapping("/events/republish")
	Mono<Republished> republish(@RequestParam(required = false) @Nullable Instant joinedSince) {
		return republishing.republish(joinedSince).map(Republished::new);
	}

	/** How many {@code UserCreated} events the backfill wrote to the outbox. */
	record Republished(long events) {
	}
}
