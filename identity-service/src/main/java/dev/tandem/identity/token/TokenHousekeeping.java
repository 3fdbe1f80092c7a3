package dev.tandem.identity.token;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import dev.tandem.identity.WithLocalUsers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Deletes what logins leave behind once nobody needs it: refresh tokens past their expiry, a row for every login and
 * every refresh, and login counters whose time is up. Without it both tables only grow. Every replica runs it, every
 * 10 minutes; the deletes are the same whoever runs them.
 */
@Component
@WithLocalUsers
class TokenHousekeeping {

	private static final Logger log = LoggerFactory.getLogger(TokenHousekeeping.class);

	private final RefreshTokens refreshTokens;

	private final LoginThrottle throttle;

	private final Clock clock;

	TokenHousekeeping(RefreshTokens refreshTokens, LoginThrottle throttle, Clock clock) {
		this.refreshTokens = refreshTokens;
		this.throttle = throttle;
		this.clock = clock;
	}

	/** One pass: what has expired by now goes. */
	@Scheduled(initialDelay = 1, fixedDelay = 10, timeUnit = TimeUnit.MINUTES)
	public Mono<Void> deleteExpired() {
		return Mono.defer(() -> {
			Instant now = clock.instant();
			return refreshTokens.deleteExpired(now).zipWhen(tokens -> throttle.forgetExpired(now));
		}).doOnNext(deleted -> {
			if (deleted.getT1() + deleted.getT2() > 0) {
				log.info("Deleted {} expired refresh tokens and {} expired login counters", deleted.getT1(),
						deleted.getT2());
			}
		}).onErrorResume(failure -> {
			log.warn("Deleting expired refresh tokens and login counters failed; trying again in 10 minutes: {}",
					failure.toString());
			return Mono.empty();
		}).then();
	}
}
