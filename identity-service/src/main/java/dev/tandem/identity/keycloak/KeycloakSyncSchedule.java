package dev.tandem.identity.keycloak;

import dev.tandem.identity.WithKeycloakUsers;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Syncs with Keycloak on a schedule (every minute by default, {@code tandem.keycloak.sync-interval}), so users born
 * in Keycloak get their profile without anyone asking. Every replica schedules it; the advisory lock lets one run.
 */
@Component
@WithKeycloakUsers
class KeycloakSyncSchedule implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(KeycloakSyncSchedule.class);

	private final KeycloakSync sync;

	private final KeycloakSettings settings;

	private @Nullable Disposable schedule;

	KeycloakSyncSchedule(KeycloakSync sync, KeycloakSettings settings) {
		this.sync = sync;
		this.settings = settings;
	}

	@Override
	public void start() {
		if (!settings.syncEnabled()) {
			log.info("Scheduled Keycloak sync disabled on this replica (tandem.keycloak.sync-enabled=false)");
			return;
		}
		schedule = Flux.interval(settings.syncInitialDelay(), settings.syncInterval())
			.onBackpressureDrop()
			.concatMap(tick -> sync.sync().onErrorResume(failure -> {
				log.warn("Scheduled Keycloak sync failed, trying again in {}: {}", settings.syncInterval(),
						failure.toString());
				return Mono.empty();
			}), 0)
			.subscribe();
	}

	@Override
	public void stop() {
		Disposable running = schedule;
		if (running != null) {
			running.dispose();
		}
		schedule = null;
	}

	@Override
	public boolean isRunning() {
		return schedule != null;
	}
}
