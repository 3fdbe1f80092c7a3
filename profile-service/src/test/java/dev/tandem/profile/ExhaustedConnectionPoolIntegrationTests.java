package dev.tandem.profile;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.PoolMetrics;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request that cannot get a database connection, because every pooled one is busy, is answered {@code 503} once it
 * has waited {@code spring.r2dbc.pool.max-acquire-time} (5 s), once, rather than waiting as long as the busy ones
 * take. The relay, which takes connections now and then, is off here, so the test holds every connection there is.
 */
@TestPropertySource(properties = "tandem.outbox.relay-enabled=false")
@ProfileIntegrationTest
class ExhaustedConnectionPoolIntegrationTests {

	@Autowired
	WebTestClient http;

	@Autowired
	ConnectionFactory connections;

	@Test
	void answersServiceUnavailableWhenNoConnectionFreesUpInTime() {
		WebTestClient patient = http.mutate().responseTimeout(Duration.ofSeconds(20)).build();
		String token = TestIssuer.userToken(UUID.randomUUID());
		List<Connection> held = holdEveryConnection();
		try {
			long started = System.nanoTime();
			patient.get().uri("/api/profiles/me").headers(headers -> headers.setBearerAuth(token)).exchange()
				.expectStatus().isEqualTo(503)
				.expectHeader().exists(HttpHeaders.RETRY_AFTER)
				.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
				.expectBody().jsonPath("$.type").isEqualTo("https://tandem.dev/problems/database-unavailable");
			assertThat(Duration.ofNanos(System.nanoTime() - started)).as("one wait of 5 s, not two")
				.isBetween(Duration.ofMillis(4500), Duration.ofSeconds(9));
		}
		finally {
			Flux.fromIterable(held).concatMap(Connection::close).blockLast();
		}

		// With connections free again, the same request reaches the database: no profile for this user, and
		// identity-service, which would know whether there should be one, is not configured here.
		patient.get().uri("/api/profiles/me").headers(headers -> headers.setBearerAuth(token)).exchange()
			.expectStatus().isEqualTo(503)
			.expectBody().jsonPath("$.type").isEqualTo("https://tandem.dev/problems/identity-unavailable");
	}

	/** Takes every connection the pool has left, and those it may still open. */
	private List<Connection> holdEveryConnection() {
		PoolMetrics pool = ((ConnectionPool) connections).getMetrics().orElseThrow();
		int free = pool.getMaxAllocatedSize() - pool.acquiredSize();
		return Flux.range(0, free)
			.flatMap(i -> Mono.<Connection>from(connections.create()))
			.collectList()
			.block(Duration.ofSeconds(30));
	}
}
