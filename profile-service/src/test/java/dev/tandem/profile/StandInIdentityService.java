package dev.tandem.profile;

import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import dev.tandem.profile.identity.UserFacts;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.json.JsonMapper;

/**
 * identity-service's internal API as profile-service calls it, played by a small HTTP server on a port of its own: the
 * token endpoint, the users a page at a time, and one user by id. The test says which users it knows, and for which
 * it fails as an overloaded identity-service would.
 */
public final class StandInIdentityService implements AutoCloseable {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Map<UUID, UserFacts> users = new ConcurrentHashMap<>();

	private final Set<UUID> failing = ConcurrentHashMap.newKeySet();

	private volatile Runnable onPageServed = () -> {
	};

	private final DisposableServer server = HttpServer.create()
		.host("127.0.0.1")
		.port(0)
		.route(routes -> routes
			.post("/oauth2/token", (request, response) -> request.receive().then().then(Mono.defer(() -> Mono.from(response
				.header("Content-Type", "application/json")
				.sendString(Mono.just("{\"access_token\":\"internal\",\"token_type\":\"Bearer\",\"expires_in\":3600}"))))))
			.get("/internal/users", (request, response) -> response.header("Content-Type", "application/json")
				.sendString(Mono.fromSupplier(() -> {
					// In PostgreSQL's order of uuids (their text's order), as identity-service pages; Java's UUID
					// compares signed halves and would put some ids elsewhere.
					String page = JSON.writeValueAsString(Map.of("items", users.values()
						.stream()
						.sorted(Comparator.comparing(user -> user.userId().toString()))
						.toList()));
					onPageServed.run();
					return page;
				})))
			.get("/internal/users/{id}", (request, response) -> {
				UUID id = UUID.fromString(String.valueOf(request.param("id")));
				UserFacts user = users.get(id);
				if (user != null) {
					return response.header("Content-Type", "application/json")
						.sendString(Mono.fromSupplier(() -> JSON.writeValueAsString(user)));
				}
				return response.status(failing.contains(id) ? 503 : 404).send();
			}))
		.bindNow();

	/** Where profile-service reaches it: {@code tandem.identity.base-url}. */
	public String baseUrl() {
		return "http://127.0.0.1:" + server.port();
	}

	/** identity-service now knows exactly these users. */
	public void knows(Collection<UserFacts> known) {
		users.clear();
		known.forEach(this::knows);
	}

	/** identity-service now knows this user too. */
	public void knows(UserFacts user) {
		users.put(user.userId(), user);
	}

	/** identity-service answers 503 for this user it does not know. */
	public void failsFor(UUID userId) {
		failing.add(userId);
	}

	/** Runs once a page of users has been made, before it is sent: what happens meanwhile. */
	public void onPageServed(Runnable then) {
		onPageServed = then;
	}

	@Override
	public void close() {
		server.disposeNow();
	}
}
