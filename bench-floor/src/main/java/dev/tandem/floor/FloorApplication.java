package dev.tandem.floor;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The benchmark's floor: {@code GET} and {@code PATCH /api/profiles/me} on the services' own stack, Spring Boot
 * WebFlux with Spring Data R2DBC on r2dbc-postgresql, each one statement on the {@code profiles} table and nothing
 * else: no token to check (the bearer is the user id itself), no security filters, no metrics or traces, no schema,
 * no event. Whatever the service does beyond this is its own cost; what this reaches next to pgbench is the stack's.
 * Not part of Tandem: only the benchmark runner starts it, against the benchmark's database.
 */
@SpringBootApplication
public class FloorApplication {

	public static void main(String[] args) {
		SpringApplication.run(FloorApplication.class, args);
	}
}
