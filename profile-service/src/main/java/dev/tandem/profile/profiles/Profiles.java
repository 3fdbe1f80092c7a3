package dev.tandem.profile.profiles;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

import dev.tandem.events.user.UserCreated;
import io.r2dbc.spi.Readable;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

/**
 * The profiles table.
 */
@Repository
public class Profiles {

	private final DatabaseClient database;

	Profiles(DatabaseClient database) {
		this.database = database;
	}

	/**
	 * Creates the profile of a new user unless it exists: a redelivered or duplicated event changes nothing and never
	 * fails, because the primary key decides ({@code ON CONFLICT DO NOTHING}).
	 *
	 * @return whether this call created the profile
	 */
	public Mono<Boolean> createFor(UserCreated user, Instant now) {
		return database.sql("""
				insert into profiles (user_id, username, email, display_name, identity_version, created_at, updated_at)
				values (:userId, :username, :email, :displayName, :identityVersion, :now, :now)
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

	public Mono<Profile> findById(UUID userId) {
		return database.sql("select * from profiles where user_id = :userId")
			.bind("userId", userId)
			.map(Profiles::read)
			.one();
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
