package dev.tandem.identity.user;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import io.r2dbc.spi.Readable;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;

/**
 * The users table.
 */
@Repository
class Users {

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

	Mono<User> findById(UUID id) {
		return database.sql("select * from users where id = :id").bind("id", id).map(Users::read).one();
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
