package dev.tandem.identity.token;

import java.time.Clock;
import java.time.Instant;

import dev.tandem.identity.WithLocalUsers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Deletes what logins leave behind once nobody needs it: refresh tokens past their expiry, a row for every login and
 * every refresh, and login counters whose time is up. Without it both tables only grow. Every replica runs it; the
 * deletes are the same whoever runs them, and skip the rows another replica is deleting.
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

	/**
	 * One pass: what has expired by now goes. First a minute after the start, then 10 minutes after each pass ends
	 * ({@code tandem.housekeeping.initial-delay}, {@code tandem.housekeeping.interval}).
	 */
	@Scheduled(initialDelayString = "${tandem.housekeeping.initial-delay:1m}",
			fixedDelayString = "${tandem.housekeeping.interval:10m}")
	public Mono<Void> deleteExpired() {
		return Mono.defer(() -> {
			Instant now = clock.instant();
			// Each on its own: one failing leaves the other to run.
			return Mono.zip(deleted("refresh tokens", refreshTokens.deleteExpired(now)),
					deleted("login counters", throttle.forgetExpired(now)));
		}).doOnNext(deleted -> {
			if (deleted.getT1() + deleted.getT2() > 0) {
				log.info("Deleted {} expired refresh tokens and {} expired login counters", deleted.getT1(),
						deleted.getT2());
			}
		}).then();
	}

	private static Mono<Long> deleted(String what, Mono<Long> deleting) {
		return deleting.onErrorResume(failure -> {
			log.warn("Deleting expired {} failed; trying again at the next pass: {}", what, failure.toString());
			return Mono.just(0L);
		});
	}
}
