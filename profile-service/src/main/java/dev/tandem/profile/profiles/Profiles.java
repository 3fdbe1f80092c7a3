package dev.tandem.profile.profiles;

import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.tandem.events.user.UserCreated;
import dev.tandem.events.user.UserDeleted;
import dev.tandem.events.user.UserEvent;
import dev.tandem.support.data.LikePattern;
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * The profiles table, and how user events change it.
 */
@Repository
public class Profiles {

	private final DatabaseClient database;

	private final TransactionalOperator transactions;

	Profiles(DatabaseClient database, TransactionalOperator transactions) {
		this.database = database;
		this.transactions = transactions;
	}

	/**
	 * Creates the profile of a new user unless it exists or the user is known to be deleted: a redelivered or
	 * duplicated event changes nothing and never fails, because the primary key decides.
	 *
	 * @return whether this call changed the profile
	 */
	public Mono<Boolean> createFor(UserCreated user, Instant now) {
		return applyAll(List.of(user), now).map(changed -> changed > 0);
	}

	/**
	 * Applies a batch of user events in one transaction, a few statements whatever its size. Per user only the
	 * outcome counts: a {@code UserDeleted} removes the profile and leaves a tombstone, so no older or replayed event
	 * brings it back; otherwise the newest event's facts are upserted, creating a missing profile (its
	 * {@code UserCreated} may predate this service) and changing an existing one only when the event is newer than
	 * what the profile holds. Applying a batch twice, or an older event after a newer one, changes nothing.
	 *
	 * @return how many profiles were created, changed or removed
	 */
	public Mono<Long> applyAll(List<UserEvent> events, Instant now) {
		Map<UUID, UserEvent> outcome = new LinkedHashMap<>();
		for (UserEvent event : events) {
			outcome.merge(event.userId(), event, (held, next) -> held instanceof UserDeleted ? held
					: next instanceof UserDeleted || next.version() > held.version() ? next : held);
		}
		List<UserEvent> deleted = outcome.values().stream().filter(UserDeleted.class::isInstance).toList();
		List<UserEvent> upserted = outcome.values().stream().filter(event -> !(event instanceof UserDeleted)).toList();
		return lock(outcome.keySet())
			.then(delete(deleted, now))
			.flatMap(removed -> upsert(upserted, now).map(changed -> removed + changed))
			.as(transactions::transactional);
	}

	/**
	 * Locks the users' rows-to-be until the transaction ends (advisory locks, in id order so two batches never wait
	 * on each other in a cycle), so a delete and a concurrent create of one user (the consumer, a first read, a
	 * repair) apply one after the other, and the tombstone is always seen.
	 */
	private Mono<Void> lock(java.util.Collection<UUID> userIds) {
		if (userIds.isEmpty()) {
			return Mono.empty();
		}
		String[] ids = userIds.stream().map(UUID::toString).sorted().toArray(String[]::new);
		return database.sql("""
				select count(pg_advisory_xact_lock(hashtextextended(id, 0)))
				from (select id from unnest(:ids::text[]) as id order by id) as ordered""")
			.bind("ids", ids)
			.then();
	}

	private Mono<Long> upsert(List<UserEvent> events, Instant now) {
		if (events.isEmpty()) {
			return Mono.just(0L);
		}
		return database.sql("""
				insert into profiles (user_id, username, email, display_name, identity_version, created_at, updated_at)
				select u.user_id::uuid, u.username, u.email, u.display_name, u.version, :now, :now
				from unnest(:ids::text[], :usernames::text[], :emails::text[], :displayNames::text[], :versions::bigint[])
				     as u(user_id, username, email, display_name, version)
				where not exists (select 1 from deleted_users d where d.user_id = u.user_id::uuid)
				on conflict (user_id) do update
				    set username = excluded.username, email = excluded.email, version = profiles.version + 1,
				        identity_version = excluded.identity_version, updated_at = excluded.updated_at
				    where profiles.identity_version < excluded.identity_version""")
			.bind("ids", events.stream().map(event -> event.userId().toString()).toArray(String[]::new))
			.bind("usernames", events.stream().map(UserEvent::username).toArray(String[]::new))
			.bind("emails", events.stream().map(UserEvent::email).toArray(String[]::new))
			.bind("displayNames", events.stream()
				.map(event -> (event.firstName() + " " + event.lastName()).strip())
				.toArray(String[]::new))
			.bind("versions", events.stream().map(UserEvent::version).toArray(Long[]::new))
			.bind("now", now)
			.fetch()
			.rowsUpdated();
	}

	private Mono<Long> delete(List<UserEvent> events, Instant now) {
		if (events.isEmpty()) {
			return Mono.just(0L);
		}
		String[] ids = events.stream().map(event -> event.userId().toString()).toArray(String[]::new);
		return database.sql("""
				insert into deleted_users (user_id, version, deleted_at)
				select u.user_id::uuid, u.version, :now from unnest(:ids::text[], :versions::bigint[]) as u(user_id, version)
				on conflict (user_id) do nothing""")
			.bind("ids", ids)
			.bind("versions", events.stream().map(UserEvent::version).toArray(Long[]::new))
			.bind("now", now)
			.then()
			.then(database.sql("delete from profiles where user_id = any(:ids::uuid[])")
				.bind("ids", ids)
				.fetch()
				.rowsUpdated());
	}

	/**
	 * The profiles whose user id lies after {@code after} (from the start when null) and up to {@code upTo} (to the
	 * end when null), in the database's uuid order, which is the order identity-service pages its users in.
	 */
	public Flux<Profile> inRange(@Nullable UUID after, @Nullable UUID upTo, int limit) {
		return database.sql("""
				select * from profiles
				where (cast(:after as uuid) is null or user_id > cast(:after as uuid))
				  and (cast(:upTo as uuid) is null or user_id <= cast(:upTo as uuid))
				order by user_id limit :limit""")
			.bind("after", Parameter.fromOrEmpty(after, UUID.class))
			.bind("upTo", Parameter.fromOrEmpty(upTo, UUID.class))
			.bind("limit", limit)
			.map(Profiles::read)
			.all();
	}

	/** The profiles of the given users, in one query; users without a profile are simply absent. */
	public Flux<Profile> findAll(List<UUID> userIds) {
		return database.sql("select * from profiles where user_id = any(:ids::uuid[]) order by user_id")
			.bind("ids", userIds.stream().map(UUID::toString).toArray(String[]::new))
			.map(Profiles::read)
			.all();
	}

	/** One page of the profiles whose username, display name or email contains {@code query}, by username. */
	Flux<Profile> search(String query, int page, int size) {
		return database.sql("""
				select * from profiles
				where :all or lower(username) like :pattern or lower(display_name) like :pattern
				   or lower(email) like :pattern
				order by lower(username), user_id limit :size offset :offset""")
			.bind("all", query.isBlank())
			.bind("pattern", LikePattern.containing(query))
			.bind("size", size)
			.bind("offset", (long) page * size)
			.map(Profiles::read)
			.all();
	}

	Mono<Long> count(String query) {
		return database.sql("""
				select count(*) from profiles
				where :all or lower(username) like :pattern or lower(display_name) like :pattern
				   or lower(email) like :pattern""")
			.bind("all", query.isBlank())
			.bind("pattern", LikePattern.containing(query))
			.map(row -> row.get(0, Long.class))
			.one();
	}

	public Mono<Profile> findById(UUID userId) {
		return database.sql("select * from profiles where user_id = :userId")
			.bind("userId", userId)
			.map(Profiles::read)
			.one();
	}

	/** Reads the profile and locks it until the transaction ends. */
	Mono<Profile> lock(UUID userId) {
		return database.sql("select * from profiles where user_id = :userId for update")
			.bind("userId", userId)
			.map(Profiles::read)
			.one();
	}

	/** Writes the editable fields of {@code profile}, whose version the caller has already advanced. */
	Mono<Void> update(Profile profile) {
		return database.sql("""
				update profiles set display_name = :displayName, bio = :bio, birthdate = :birthdate,
				    phone_number = :phoneNumber, website = :website, company = :company, location = :location,
				    updated_at = :updatedAt, version = :version
				where user_id = :userId""")
			.bind("userId", profile.userId())
			.bind("displayName", Parameter.fromOrEmpty(profile.displayName(), String.class))
			.bind("bio", Parameter.fromOrEmpty(profile.bio(), String.class))
			.bind("birthdate", Parameter.fromOrEmpty(profile.birthdate(), LocalDate.class))
			.bind("phoneNumber", Parameter.fromOrEmpty(profile.phoneNumber(), String.class))
			.bind("website", Parameter.fromOrEmpty(profile.website(), String.class))
			.bind("company", Parameter.fromOrEmpty(profile.company(), String.class))
			.bind("location", Parameter.fromOrEmpty(profile.location(), String.class))
			.bind("updatedAt", profile.updatedAt())
			.bind("version", profile.version())
			.then();
	}

	private static Profile read(Readable row) {
		return new Profile(row.get("user_id", UUID.class), row.get("username", String.class),
				row.get("email", String.class), row.get("display_name", String.class), row.get("bio", String.class),
				row.get("birthdate", LocalDate.class), row.get("phone_number", String.class),
				row.get("website", String.class), row.get("company", String.class), row.get("location", String.class),
				row.get("created_at", Instant.class), row.get("updated_at", Instant.class),
				row.get("version", Long.class), row.get("identity_version", Long.class));
	}
}
