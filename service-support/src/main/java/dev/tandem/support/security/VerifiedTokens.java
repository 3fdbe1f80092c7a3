package dev.tandem.support.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

/**
 * Remembers the tokens it has verified, so a client sending the same token with every request pays for the RSA
 * signature check and the claim validation once, not per request (they were a tenth of a profile read's CPU).
 *
 * <p>An entry is the exact token text, so only the very token that passed is accepted again; it is forgotten at the
 * token's expiry, or after {@code maxAge} (so it adds at most that to however long the decoder honours a key the
 * issuer withdraws), whichever comes first. Refused tokens are never remembered. At most {@code maximumSize} tokens
 * are kept.
 */
public final class VerifiedTokens implements ReactiveJwtDecoder {

	/** Enough for many thousand active users per replica, a few MiB of heap. */
	public static final int DEFAULT_MAXIMUM_SIZE = 4_096;

	public static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(5);

	private final ReactiveJwtDecoder verifier;

	private final Clock clock;

	private final Cache<String, Jwt> verified;

	public VerifiedTokens(ReactiveJwtDecoder verifier, int maximumSize, Duration maxAge, Clock clock) {
		this.verifier = verifier;
		this.clock = clock;
		this.verified = Caffeine.newBuilder()
			.maximumSize(maximumSize)
			.ticker(() -> clock.millis() * 1_000_000L)
			.expireAfter(Expiry.<String, Jwt>writing((token, jwt) -> lifetime(jwt, maxAge)))
			.build();
	}

	/** Remembers up to {@link #DEFAULT_MAXIMUM_SIZE} tokens for at most {@link #DEFAULT_MAX_AGE}. */
	public static VerifiedTokens around(ReactiveJwtDecoder verifier) {
		return new VerifiedTokens(verifier, DEFAULT_MAXIMUM_SIZE, DEFAULT_MAX_AGE, Clock.systemUTC());
	}

	@Override
	public Mono<Jwt> decode(String token) {
		Jwt known = verified.getIfPresent(token);
		if (known != null && unexpired(known)) {
			return Mono.just(known);
		}
		return verifier.decode(token).doOnNext(jwt -> {
			if (jwt.getExpiresAt() != null) {
				verified.put(token, jwt);
			}
		});
	}

	private Duration lifetime(Jwt jwt, Duration maxAge) {
		Instant expiresAt = jwt.getExpiresAt();
		Duration left = expiresAt == null ? Duration.ZERO : Duration.between(clock.instant(), expiresAt);
		return left.compareTo(maxAge) < 0 ? (left.isNegative() ? Duration.ZERO : left) : maxAge;
	}

	private boolean unexpired(Jwt jwt) {
		Instant expiresAt = jwt.getExpiresAt();
		return expiresAt != null && clock.instant().isBefore(expiresAt);
	}
}
