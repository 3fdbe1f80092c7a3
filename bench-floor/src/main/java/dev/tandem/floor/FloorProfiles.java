package dev.tandem.floor;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The read and the write the benchmark loads, each the statement pgbench runs beside it: a {@code SELECT} of the
 * whole row by primary key, and an {@code UPDATE} of its bio by primary key (returning the row, as the service
 * answers with the changed profile).
 */
@RestController
class FloorProfiles {

	private static final String BEARER = "Bearer ";

	private final DatabaseClient database;

	FloorProfiles(DatabaseClient database) {
		this.database = database;
	}

	@GetMapping("/api/profiles/me")
	Mono<FloorProfile> read(@RequestHeader(HttpHeaders.AUTHORIZATION) String authorization) {
		return database.sql("select * from profiles where user_id = $1")
			.bind(0, userId(authorization))
			.map(FloorProfile::of)
			.one()
			.switchIfEmpty(Mono.error(() -> new ResponseStatusException(HttpStatus.NOT_FOUND)));
	}

	@PatchMapping(path = "/api/profiles/me", consumes = "application/merge-patch+json")
	Mono<FloorProfile> write(@RequestHeader(HttpHeaders.AUTHORIZATION) String authorization,
			@RequestBody BioPatch patch) {
		return database.sql("update profiles set bio = $1 where user_id = $2 returning *")
			.bind(0, patch.bio())
			.bind(1, userId(authorization))
			.map(FloorProfile::of)
			.one()
			.switchIfEmpty(Mono.error(() -> new ResponseStatusException(HttpStatus.NOT_FOUND)));
	}

	/** Ready once the database answers. */
	@GetMapping("/readyz")
	Mono<String> ready() {
		return database.sql("select 1").then().thenReturn("ready");
	}

	private static UUID userId(String authorization) {
		if (!authorization.startsWith(BEARER)) {
			throw new ResponseStatusException(HttpStatus.UNAUTHORIZED);
		}
		try {
			return UUID.fromString(authorization.substring(BEARER.length()));
		}
		catch (IllegalArgumentException ex) {
			throw new ResponseStatusException(HttpStatus.UNAUTHORIZED);
		}
	}

	/** The merge patch the runner sends: a bio. */
	record BioPatch(String bio) {
	}

	/** The row's own fields, as the service's answer has them (without its computed ones). */
	record FloorProfile(UUID userId, @Nullable String username, @Nullable String email, @Nullable String displayName,
			@Nullable String bio, @Nullable LocalDate birthdate, @Nullable String phoneNumber, @Nullable String website,
			@Nullable String company, @Nullable String location, Instant createdAt, Instant updatedAt, long version) {

		static FloorProfile of(Readable row) {
			return new FloorProfile(row.get("user_id", UUID.class), row.get("username", String.class),
					row.get("email", String.class), row.get("display_name", String.class),
					row.get("bio", String.class), row.get("birthdate", LocalDate.class),
					row.get("phone_number", String.class), row.get("website", String.class),
					row.get("company", String.class), row.get("location", String.class),
					row.get("created_at", Instant.class), row.get("updated_at", Instant.class),
					row.get("version", Long.class));
		}
	}
}
