package dev.tandem.identity.user;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.tandem.support.data.LikePattern;
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;

/**
 * The users table.
 */
@Repository
public class Users {

	/**
	 * The user a login names. The email's unique index leaves out empty emails (users of an identity provider may have
	 * none), so a query uses it only if it says {@code email <> ''} too; else every login read the whole table.
	 */
	static final String FIND_BY_LOGIN = """
			select * from users
			where lower(username) = lower(:login) or (email <> '' and lower(email) = lower(:login))
			order by date_joined, id limit 1""";

	/**
	 * Whether another user logs in with a login. A count, not {@code exists}: for an {@code exists} PostgreSQL
	 * expects to stop at the first of the 170 rows it guesses an email matches (the partial index does not tell it
	 * emails are unique) and reads the table in order instead of using the indexes: 60 ms for 33 000 users, every
	 * sign-up.
	 */
	static final String LOGIN_TAKEN = """
			select count(*) > 0 from users
			where (lower(username) = lower(:login) or (email <> '' and lower(email) = lower(:login)))
			  and id is distinct from :except""";

	/** The advisory lock key of changes that take an active admin away ("tandemAD" in ASCII, folded into a long). */
	private static final long ADMINS_LOCK = 0x74616E64656D4144L;

	private final DatabaseClient database;

	Users(DatabaseClient database) {
		this.database = database;
	}

	/**
	 * Inserts a new user. A taken username or email fails with the unique index's violation: the index decides, so
	 * two concurrent registrations of one name cannot both succeed.
	 */
	Mono<Void> insert(User user) {
		return database.sql("""
				insert into users (id, username, email, password_hash, first_name, last_name, active, staff, roles,
				                   date_joined, version)
				values (:id, :username, :email, :passwordHash, :firstName, :lastName, :active, :staff, :roles,
				        :dateJoined, :version)""")
			.bind("id", user.id())
			.bind("username", user.username())
			.bind("email", user.email())
			.bind("passwordHash", Parameter.fromOrEmpty(user.passwordHash(), String.class))
			.bind("firstName", user.firstName())
			.bind("lastName", user.lastName())
			.bind("active", user.active())
			.bind("staff", user.staff())
			.bind("roles", user.roles().toArray(String[]::new))
			.bind("dateJoined", user.dateJoined())
			.bind("version", user.version())
			.then();
	}

	/**
	 * Inserts many users in one statement, skipping any whose username or email is taken (by a user already stored,
	 * or by an earlier one in the list) or whose id belonged to a deleted user, and answers the ids of those inserted.
	 */
	public Flux<UUID> insertAll(List<User> users) {
		if (users.isEmpty()) {
			return Flux.empty();
		}
		int size = users.size();
		String[] ids = new String[size];
		String[] usernames = new String[size];
		String[] emails = new String[size];
		String[] hashes = new String[size];
		String[] firstNames = new String[size];
		String[] lastNames = new String[size];
		Boolean[] active = new Boolean[size];
		String[] roles = new String[size];
		String[] joined = new String[size];
		for (int i = 0; i < size; i++) {
			User user = users.get(i);
			ids[i] = user.id().toString();
			usernames[i] = user.username();
			emails[i] = user.email();
			hashes[i] = user.passwordHash();
			firstNames[i] = user.firstName();
			lastNames[i] = user.lastName();
			active[i] = user.active();
			roles[i] = String.join(",", user.roles());
			joined[i] = user.dateJoined().toString();
		}
		return database.sql("""
				insert into users (id, username, email, password_hash, first_name, last_name, active, roles, date_joined,
				                   version)
				select u.id::uuid, u.username, u.email, u.password_hash, u.first_name, u.last_name, u.active,
				       coalesce(string_to_array(nullif(u.roles, ''), ','), '{}'), u.date_joined::timestamptz, 1
				from unnest(:ids::text[], :usernames::text[], :emails::text[], :hashes::text[], :firstNames::text[],
				            :lastNames::text[], :active::boolean[], :roles::text[], :joined::text[]) with ordinality
				     as u(id, username, email, password_hash, first_name, last_name, active, roles, date_joined, n)
				where not exists (select 1 from deleted_users d where d.id = u.id::uuid)
				order by u.n
				on conflict do nothing
				returning id""")
			.bind("ids", ids)
			.bind("usernames", usernames)
			.bind("emails", emails)
			.bind("hashes", hashes)
			.bind("firstNames", firstNames)
			.bind("lastNames", lastNames)
			.bind("active", active)
			.bind("roles", roles)
			.bind("joined", joined)
			.map(row -> row.get("id", UUID.class))
			.all();
	}

	/** Users in id order after {@code after} (all when null): keyset paging for scans over every user. */
	public Flux<User> pageAfter(@Nullable UUID after, int limit) {
		return database.sql(after == null ? "select * from users order by id limit :limit"
				: "select * from users where id > :after order by id limit :limit")
			.bind("limit", limit)
			.bindValues(after == null ? Map.of() : Map.of("after", after))
			.map(Users::read)
			.all();
	}

	/** Writes every mutable column of {@code user}, whose version the caller has already advanced. */
	Mono<Void> update(User user) {
		return database.sql("""
				update users set username = :username, email = :email, password_hash = :passwordHash,
				                 first_name = :firstName, last_name = :lastName, active = :active, roles = :roles,
				                 version = :version
				where id = :id""")
			.bind("id", user.id())
			.bind("username", user.username())
			.bind("email", user.email())
			.bind("passwordHash", Parameter.fromOrEmpty(user.passwordHash(), String.class))
			.bind("firstName", user.firstName())
			.bind("lastName", user.lastName())
			.bind("active", user.active())
			.bind("roles", user.roles().toArray(String[]::new))
			.bind("version", user.version())
			.then();
	}

	/**
	 * The other users holding {@code username}, or {@code email} unless it is empty, case-insensitively as the unique
	 * indexes compare them.
	 */
	Flux<UUID> holding(String username, String email, UUID except) {
		return database.sql("""
				select id from users
				where (lower(username) = lower(:username) or (email <> '' and lower(email) = lower(:email)))
				  and id <> :except
				order by id""")
			.bind("username", username)
			.bind("email", email)
			.bind("except", except)
			.map(row -> row.get("id", UUID.class))
			.all();
	}

	/**
	 * Frees the user's username and email for others within the transaction, which must set them again before it
	 * commits: the username becomes one no login takes (it has a space and the user's own id), the email none.
	 */
	Mono<Void> setAside(UUID id) {
		return database.sql("update users set username = 'set aside ' || id::text, email = '' where id = :id")
			.bind("id", id)
			.then();
	}

	/** Deletes the user and remembers its id as deleted, so no import brings it back. */
	Mono<Void> delete(UUID id) {
		return database.sql("delete from users where id = :id").bind("id", id).then()
			.then(database.sql("insert into deleted_users (id) values (:id) on conflict (id) do nothing").bind("id", id)
				.then());
	}

	/** Whether a user other than {@code except} logs in with {@code login} as its username or email. */
	Mono<Boolean> loginTaken(String login, @Nullable UUID except) {
		return database.sql(LOGIN_TAKEN)
			.bind("login", login)
			.bind("except", Parameter.fromOrEmpty(except, UUID.class))
			.map(row -> Boolean.TRUE.equals(row.get(0, Boolean.class)))
			.one();
	}

	/** Those of {@code ids} that were users and are deleted. */
	Flux<UUID> deletedAmong(Collection<UUID> ids) {
		return database.sql("select id from deleted_users where id = any(:ids::uuid[])")
			.bind("ids", ids.stream().map(UUID::toString).toArray(String[]::new))
			.map(row -> row.get(0, UUID.class))
			.all();
	}

	/** The users with the given ids that exist. */
	Flux<User> findAll(Collection<UUID> ids) {
		return database.sql("select * from users where id = any(:ids::uuid[])")
			.bind("ids", ids.stream().map(UUID::toString).toArray(String[]::new))
			.map(Users::read)
			.all();
	}

	public Mono<User> findById(UUID id) {
		return database.sql("select * from users where id = :id").bind("id", id).map(Users::read).one();
	}

	/** Reads the user and locks its row until the transaction ends, so concurrent changes apply one after another. */
	Mono<User> lock(UUID id) {
		return database.sql("select * from users where id = :id for update").bind("id", id).map(Users::read).one();
	}

	/**
	 * Finds the user a login names: a username or an email address, case-insensitively (seed 003's
	 * {@code USERNAME_FIELD}). Should it name two users, one by username and another by email (registration refuses
	 * that, but imported users and two registrations at once may have it), the one who joined first wins: a user
	 * who took someone's email as a username later cannot catch that person's logins.
	 */
	public Mono<User> findByLogin(String login) {
		return database.sql(FIND_BY_LOGIN)
			.bind("login", login)
			.map(Users::read)
			.one();
	}

	/**
	 * Records a login and keeps {@code keptHash} (the verified one, or its upgrade), only while the user's hash is
	 * still {@code verifiedHash} and the user active.
	 *
	 * @return whether the login was recorded; false when a password change or deactivation came in between
	 */
	public Mono<Boolean> recordLogin(UUID id, Instant at, String verifiedHash, String keptHash) {
		return database.sql("""
				update users set last_login = :at, password_hash = :kept
				where id = :id and password_hash = :verified and active""")
			.bind("id", id)
			.bind("at", at)
			.bind("verified", verifiedHash)
			.bind("kept", keptHash)
			.fetch()
			.rowsUpdated()
			.map(rows -> rows == 1);
	}

	/**
	 * Whether an active admin other than {@code id} exists, asked under a lock that every such question in a
	 * transaction holds until it ends: two admins removing each other at once cannot both see the other one.
	 */
	Mono<Boolean> anotherActiveAdmin(UUID id) {
		return database.sql("select pg_advisory_xact_lock(:key)")
			.bind("key", ADMINS_LOCK)
			.then()
			.then(database.sql("select exists (select 1 from users where :role = any(roles) and active and id <> :id)")
				.bind("role", User.ADMIN)
				.bind("id", id)
				.map(row -> Boolean.TRUE.equals(row.get(0, Boolean.class)))
				.one());
	}

	Mono<Boolean> anyWithRole(String role) {
		return database.sql("select exists (select 1 from users where :role = any(roles))")
			.bind("role", role)
			.map(row -> Boolean.TRUE.equals(row.get(0, Boolean.class)))
			.one();
	}

	/** One page of the users matching {@code query} (username, email or name; empty for all), ordered by username. */
	Flux<User> search(String query, int page, int size) {
		return database.sql("""
				select * from users where :all or lower(username) like :pattern or lower(email) like :pattern
				   or lower(first_name || ' ' || last_name) like :pattern
				order by lower(username), id limit :size offset :offset""")
			.bind("all", query.isBlank())
			.bind("pattern", LikePattern.containing(query))
			.bind("size", size)
			.bind("offset", (long) page * size)
			.map(Users::read)
			.all();
	}

	Mono<Long> count(String query) {
		return database.sql("""
				select count(*) from users where :all or lower(username) like :pattern
				   or lower(email) like :pattern or lower(first_name || ' ' || last_name) like :pattern""")
			.bind("all", query.isBlank())
			.bind("pattern", LikePattern.containing(query))
			.map(row -> row.get(0, Long.class))
			.one();
	}

	private static User read(Readable row) {
		String[] roles = row.get("roles", String[].class);
		return new User(row.get("id", UUID.class), row.get("username", String.class), row.get("email", String.class),
				row.get("password_hash", String.class), row.get("first_name", String.class),
				row.get("last_name", String.class), Boolean.TRUE.equals(row.get("active", Boolean.class)),
				Boolean.TRUE.equals(row.get("staff", Boolean.class)), roles == null ? List.of() : Arrays.asList(roles),
				row.get("date_joined", Instant.class), row.get("last_login", Instant.class),
				row.get("version", Long.class));
	}
}
