package dev.tandem.identity.user;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.tandem.identity.IdentityIntegrationTest;
import dev.tandem.identity.TestUsers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static dev.tandem.identity.user.AccountsIntegrationTests.bearer;
import static org.assertj.core.api.Assertions.assertThat;

/** In an application context of its own, so that its fresh database has root as its only admin. */
@IdentityIntegrationTest
@TestPropertySource(properties = "tandem.housekeeping.initial-delay=25h")
class LastAdminIntegrationTests {

	@Autowired
	WebTestClient http;

	@Autowired
	Users usersTable;

	TestUsers users;

	@BeforeEach
	void setUp() {
		users = new TestUsers(http);
	}

	@Test
	void refusesToDeactivateDemoteOrDeleteTheLastActiveAdmin() {
		String admin = users.adminToken();
		UUID root = usersTable.findByLogin("root").block().id();

		List<Map<String, Object>> removals = List.of(Map.of("active", false), Map.of("roles", List.of()));
		for (Map<String, Object> change : removals) {
			change(root, change, admin).expectStatus().isEqualTo(409)
				.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
				.expectBody().jsonPath("$.type").isEqualTo("https://tandem.dev/problems/last-admin");
		}
		http.delete().uri("/api/users/{id}", root).headers(bearer(admin)).exchange()
			.expectStatus().isEqualTo(409)
			.expectBody().jsonPath("$.type").isEqualTo("https://tandem.dev/problems/last-admin");

		User unchanged = usersTable.findById(root).block();
		assertThat(unchanged.active()).isTrue();
		assertThat(unchanged.isAdmin()).isTrue();
		assertThat(users.adminToken()).isNotBlank();
	}

	@Test
	void letsAnAdminGoWhileAnotherActiveAdminRemainsButNotForAnInactiveOne() {
		String admin = users.adminToken();
		UUID root = usersTable.findByLogin("root").block().id();
		UUID second = users.register(TestUsers.unique("deputy"));
		change(second, Map.of("roles", List.of(User.ADMIN)), admin).expectStatus().isOk();

		change(second, Map.of("active", false), admin).expectStatus().isOk();

		// The deputy is still an admin by role, but an inactive one manages nothing.
		change(root, Map.of("roles", List.of()), admin).expectStatus().isEqualTo(409);
		assertThat(usersTable.findById(root).block().isAdmin()).isTrue();
		change(second, Map.of("roles", List.of()), admin).expectStatus().isOk();
	}

	@Test
	void keepsOneOfTwoAdminsWhoDemoteEachOtherAtOnce() throws Exception {
		String root = users.adminToken();
		UUID rootId = usersTable.findByLogin("root").block().id();
		String name = TestUsers.unique("rival");
		UUID rivalId = users.register(name);
		change(rivalId, Map.of("roles", List.of(User.ADMIN)), root).expectStatus().isOk();
		String rival = users.accessToken(name);

		ExecutorService both = Executors.newFixedThreadPool(2);
		try {
			Future<Integer> byRoot = both.submit(() -> status(change(rivalId, Map.of("roles", List.of()), root)));
			Future<Integer> byRival = both.submit(() -> status(change(rootId, Map.of("roles", List.of()), rival)));

			assertThat(List.of(byRoot.get(30, TimeUnit.SECONDS), byRival.get(30, TimeUnit.SECONDS)))
				.containsExactlyInAnyOrder(200, 409);
		}
		finally {
			both.shutdownNow();
		}
		User rootNow = usersTable.findById(rootId).block();
		User rivalNow = usersTable.findById(rivalId).block();
		assertThat(rootNow.isAdmin() ^ rivalNow.isAdmin()).isTrue();
		// Root is this context's admin again for the other tests.
		if (!rootNow.isAdmin()) {
			change(rootId, Map.of("roles", List.of(User.ADMIN)), rival).expectStatus().isOk();
			change(rivalId, Map.of("roles", List.of()), users.adminToken()).expectStatus().isOk();
		}
	}

	private static int status(WebTestClient.ResponseSpec response) {
		return response.returnResult(String.class).getStatus().value();
	}

	private WebTestClient.ResponseSpec change(UUID id, Map<String, Object> change, String token) {
		return http.patch().uri("/api/users/{id}", id).headers(bearer(token)).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(change)
			.exchange();
	}
}
