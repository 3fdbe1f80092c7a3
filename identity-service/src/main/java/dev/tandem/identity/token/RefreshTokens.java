package dev.tandem.identity.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import dev.tandem.identity.WithLocalUsers;
import dev.tandem.identity.user.Sessions;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Rotating refresh tokens. A token is 256 random bits; only its SHA-256 is stored. Using a token rotates it: it stops
 * working and a new one of the same family is issued. Using a rotated token again means it was stolen (or the
 * client misbehaves): the whole family is revoked, the thief's copy and the legitimate one alike.
 */
@Component
@WithLocalUsers
class RefreshTokens implements Sessions {

	private static final SecureRandom RANDOM = new SecureRandom();

	private final DatabaseClient database;

	private final TransactionalOperator transactions;

	private final TokenSettings settings;

	private final Clock clock;

	RefreshTokens(DatabaseClient database, TransactionalOperator transactions, TokenSettings settings, Clock clock) {
		this.database = database;
		this.transactions = transactions;
		this.settings = settings;
		this.clock = clock;
	}

	/** Starts a new family for a fresh login, and answers its first token. */
	Mono<String> issue(UUID userId, @Nullable String clientId, String scope) {
		return insert(UUID.randomUUID(), userId, clientId, scope);
	}

	/**
	 * Rotates a presented token.
	 *
	 * @param presentingClient the client that authenticated with the request ({@code tandem} when none did)
	 * @param confidential which client ids are confidential clients, whose tokens need their credentials
	 *
	 * @return what was found: the token's user and a new token, or why the token is refused (a reuse has revoked the
	 *         family by then, committed even though the request fails)
	 */
	Mono<Rotation> rotate(String presented, String presentingClient, java.util.function.Predicate<String> confidential) {
		Instant now = clock.instant();
		return database.sql("""
				select family_id, user_id, client_id, scope, expires_at, rotated_at, revoked_at
				from refresh_tokens where token_hash = :hash for update""")
			.bind("hash", hash(presented))
			.map(row -> new Stored(row.get("family_id", UUID.class), row.get("user_id", UUID.class),
					row.get("client_id", String.class), row.get("scope", String.class),
					row.get("expires_at", Instant.class), row.get("rotated_at", Instant.class),
					row.get("revoked_at", Instant.class)))
			.one()
			.flatMap(stored -> {
				if (stored.revokedAt() != null || stored.expiresAt().isBefore(now)) {
					return Mono.just(Rotation.refused("The refresh token is expired or revoked."));
				}
				if (stored.clientId() != null && confidential.test(stored.clientId())
						&& !stored.clientId().equals(presentingClient)) {
					// RFC 6749, section 6: a confidential client's refresh token works only with its credentials.
					return Mono.just(Rotation.refused("The refresh token belongs to another client."));
				}
				if (stored.rotatedAt() != null) {
					return revokeFamily(stored.familyId())
						.thenReturn(Rotation.refused("The refresh token was already used; its sessions are revoked."));
				}
				return database.sql("update refresh_tokens set rotated_at = :now where token_hash = :hash")
					.bind("now", now)
					.bind("hash", hash(presented))
					.then()
					.then(insert(stored.familyId(), stored.userId(), stored.clientId(), stored.scope()))
					.map(next -> new Rotation(stored.userId(), stored.clientId(), stored.scope(), next, null));
			})
			.defaultIfEmpty(Rotation.refused("The refresh token is not known."))
			.as(transactions::transactional);
	}

	@Override
	public Mono<Void> endAll(UUID userId) {
		// Expired tokens are refused anyway, and are the housekeeping's to delete: left alone, not locked.
		return database.sql("""
				update refresh_tokens set revoked_at = :now
				where user_id = :userId and revoked_at is null and expires_at > :now""")
			.bind("now", clock.instant())
			.bind("userId", userId)
			.then();
	}

	Mono<Void> revokeFamily(UUID familyId) {
		return database.sql("""
				update refresh_tokens set revoked_at = :now
				where family_id = :family and revoked_at is null and expires_at > :now""")
			.bind("now", clock.instant())
			.bind("family", familyId)
			.then();
	}

	/**
	 * Deletes the tokens past their expiry, rotated and revoked ones included: presented, an expired token is
	 * refused as an unknown one would be, so keeping it only grows the table (a row per login and per refresh). Answers
	 * how many went.
	 */
	Mono<Long> deleteExpired(Instant now) {
		return ExpiredRows.delete(database, "refresh_tokens", "token_hash", "expires_at", now);
	}

	private Mono<String> insert(UUID familyId, UUID userId, @Nullable String clientId, String scope) {
		byte[] secret = new byte[32];
		RANDOM.nextBytes(secret);
		String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
		Instant now = clock.instant();
		return database.sql("""
				insert into refresh_tokens (token_hash, family_id, user_id, client_id, scope, issued_at, expires_at)
				values (:hash, :family, :userId, :clientId, :scope, :now, :expires)""")
			.bind("hash", hash(token))
			.bind("family", familyId)
			.bind("userId", userId)
			.bind("clientId", Parameter.fromOrEmpty(clientId, String.class))
			.bind("scope", scope)
			.bind("now", now)
			.bind("expires", now.plus(settings.refreshTokenLifetime()))
			.then()
			.thenReturn(token);
	}

	private static byte[] hash(String token) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private record Stored(UUID familyId, UUID userId, @Nullable String clientId, String scope, Instant expiresAt,
			@Nullable Instant rotatedAt, @Nullable Instant revokedAt) {
	}

	/** The outcome of presenting a refresh token: either a user and the next token, or a reason for refusal. */
	record Rotation(@Nullable UUID userId, @Nullable String clientId, String scope, @Nullable String nextToken,
			@Nullable String refusal) {

		static Rotation refused(String reason) {
			return new Rotation(null, null, "", null, reason);
		}
	}
}
