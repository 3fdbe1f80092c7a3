package dev.tandem.profile.profiles;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

import dev.tandem.events.user.UserCreated;
import dev.tandem.events.user.UserDeleted;
import dev.tandem.events.user.UserUpdated;
import io.r2dbc.spi.Readable;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * The profiles table, and how user events change it. Every statement is idempotent: applying an event twice, or an
 * older event after a newer one, changes nothing.
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
	 * duplicated event changes nothing and never fails, because the primary key decides ({@code ON CONFLICT DO
	 * NOTHING}).
	 *
	 * @return whether this call created the profile
	 */
	public Mono<Boolean> createFor(UserCreated user, Instant now) {
		return database.sql("""
				insert into profiles (user_id, username, email, display_name, identity_version, created_at, updated_at)
				select :userId, :username, :email, :displayName, :identityVersion, :now, :now
				where not exists (select 1 from deleted_users where user_id = :userId)
				on conflict (user_id) do nothing""")
			.bind("userId", user.userId())
			.bind("username", user.username())
			.bind("email", user.email())
			.bind("displayName", (user.firstName() + " " + user.lastName()).strip())
			.bind("identityVersion", user.version())
			.bind("now", now)
			.fetch()
			.rowsUpdated()
			.map(rows -> rows == 1);
	}

	/**
	 * Copies the user's new username and email unless the profile already holds a newer version. A missing profile
	 * is created from the event's snapshot (its {@code UserCreated} may have been lost before this service existed),
	 * unless the user is known to be deleted.
	 *
	 * @return whether the profile changed
	 */
	public Mono<Boolean> apply(UserUpdated user, Instant now) {
		return database.sql("""
				insert into profiles (user_id, username, email, display_name, identity_version, created_at, updated_at)
				select :userId, :username, :email, :displayName, :identityVersion, :now, :now
				where not exists (select 1 from deleted_users where user_id = :userId)
				on conflict (user_id) do update
				    set username = excluded.username, email = excluded.email, version = profiles.version + 1,
				        identity_version = excluded.identity_version, updated_at = excluded.updated_at
				    where profiles.identity_version < excluded.identity_version""")
			.bind("userId", user.userId())
			.bind("username", user.username())
			.bind("email", user.email())
			.bind("displayName", (user.firstName() + " " + user.lastName()).strip())
			.bind("identityVersion", user.version())
			.bind("now", now)
			.fetch()
			.rowsUpdated()
			.map(rows -> rows == 1);
	}

	/** Removes the profile of a deleted user and remembers the user as deleted, in one transaction. */
	public Mono<Boolean> apply(UserDeleted user, Instant now) {
		return database.sql("""
				insert into deleted_users (user_id, version, deleted_at) values (:userId, :version, :now)
				on conflict (user_id) do nothing""")
			.bind("userId", user.userId())
			.bind("version", user.version())
			.bind("now", now)
			.then()
			.then(database.sql("delete from profiles where user_id = :userId").bind("userId", user.userId())
				.fetch()
				.rowsUpdated())
			.map(rows -> rows == 1)
			.as(transactions::transactional);
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
