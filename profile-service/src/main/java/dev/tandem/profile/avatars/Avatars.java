package dev.tandem.profile.avatars;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.UUID;

import dev.tandem.profile.profiles.Profile;
import dev.tandem.profile.profiles.Profiles;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * The avatars table: each profile's picture in its two renditions, stored in PostgreSQL so that any replica serves
 * it, and changed in one transaction with the profile that links it.
 */
@Repository
class Avatars {

	private final DatabaseClient database;

	private final Profiles profiles;

	private final TransactionalOperator transactions;

	Avatars(DatabaseClient database, Profiles profiles, TransactionalOperator transactions) {
		this.database = database;
		this.profiles = profiles;
		this.transactions = transactions;
	}

	/** Stores the user's picture in place of any earlier one; answers the profile as it is now. */
	Mono<Profile> store(UUID userId, ProcessedAvatar avatar, Instant now) {
		return profiles.changeAvatar(userId, avatar.etag(), now)
			.flatMap(profile -> database.sql("""
					insert into avatars (user_id, content_type, large, small, etag, updated_at)
					values (:userId, :contentType, :large, :small, :etag, :now)
					on conflict (user_id) do update
					    set content_type = excluded.content_type, large = excluded.large, small = excluded.small,
					        etag = excluded.etag, updated_at = excluded.updated_at""")
				.bind("userId", userId)
				.bind("contentType", avatar.contentType())
				.bind("large", ByteBuffer.wrap(avatar.large()))
				.bind("small", ByteBuffer.wrap(avatar.small()))
				.bind("etag", avatar.etag())
				.bind("now", now)
				.then()
				.thenReturn(profile))
			.as(transactions::transactional);
	}

	/** Removes the user's picture, if any; answers the profile as it is now. */
	Mono<Profile> remove(UUID userId, Instant now) {
		return profiles.changeAvatar(userId, null, now)
			.flatMap(profile -> database.sql("delete from avatars where user_id = :userId")
				.bind("userId", userId)
				.then()
				.thenReturn(profile))
			.as(transactions::transactional);
	}

	/** One rendition of the user's picture, or nothing when the user has none. */
	Mono<StoredAvatar> find(UUID userId, boolean small) {
		return database.sql("select content_type, etag, " + (small ? "small" : "large") + " as image from avatars"
				+ " where user_id = :userId")
			.bind("userId", userId)
			.map(row -> {
				ByteBuffer image = row.get("image", ByteBuffer.class);
				byte[] bytes = new byte[image.remaining()];
				image.get(bytes);
				return new StoredAvatar(row.get("content_type", String.class), row.get("etag", String.class), bytes);
			})
			.one();
	}

	/** A rendition as stored: its type, the ETag of the picture and its bytes. */
	record StoredAvatar(String contentType, String etag, byte[] image) {
	}
}
