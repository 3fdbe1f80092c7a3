package dev.tandem.endtoend;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.tandem.localstack.LocalStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The README's promise, driven over HTTP against the packaged services running as separate processes on a real
 * PostgreSQL and a real Kafka broker: register on identity-service, and the profile appears on profile-service.
 */
class SignUpToProfileIntegrationTests {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static final String PASSWORD = "correct horse battery staple";

	private static final String ADMIN_PASSWORD = "root has a long passphrase";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static Path data;

	private static LocalStack stack;

	@BeforeAll
	static void startTandem() throws Exception {
		data = Files.createTempDirectory("tandem-e2e");
		Path logs = Files.createDirectories(Path.of("target", "e2e-logs"));
		Path log = logs.resolve("services.log");
		Files.deleteIfExists(log);
		stack = LocalStack.start(new LocalStack.Settings(data, 0, 0, LocalStack.freePort(),
				LocalStack.freePort(),
				LocalStack.jar(Path.of("..", "identity-service", "target")),
				LocalStack.jar(Path.of("..", "profile-service", "target")), LocalStack.DEFAULT_JAVA_OPTIONS,
				Map.of("identity", List.of("--tandem.passwords.argon2.memory-kib=1024",
						"--tandem.passwords.argon2.iterations=1", "--tandem.admin.username=root",
						"--tandem.admin.email=root@example.com", "--tandem.admin.password=" + ADMIN_PASSWORD))),
				line -> append(log, line));
	}

	@AfterAll
	static void stopTandem() throws Exception {
		if (stack != null) {
			stack.close();
		}
		LocalStack.deleteRecursively(data);
	}

	@Test
	void bothServicesStartFromAClassDataArchiveOfTheirClasses() throws Exception {
		for (String name : List.of("identity", "profile")) {
			long pid = stack.service(name).pid();
			Path file = archive(name, arguments(pid));

			assertThat(file).isRegularFile();
			// Mapped into the process: the JVM took it. One it refuses (made by another JVM build, say) only gets a
			// warning, and the service starts without it.
			assertThat(Files.readString(Path.of("/proc", String.valueOf(pid), "maps")))
				.as("%s's memory maps", name)
				.contains(file.toRealPath().toString());
		}
	}

	@Test
	void theArchivesHoldTheClassesAServiceLoadsOnceItIsUp() throws Exception {
		// Classes no refreshed application context has loaded yet: the web server's for a request it serves, and
		// profile-service's Kafka consumer's. The training start that made the archive ran until the service was ready.
		Map<String, List<String>> loadedOnceUp = Map.of("identity", List.of("reactor.netty.http.server.HttpServerOperations"),
				"profile", List.of("reactor.netty.http.server.HttpServerOperations",
						"org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer"));
		for (String name : List.of("identity", "profile")) {
			long pid = stack.service(name).pid();
			List<String> arguments = arguments(pid);
			// The service's own JVM and options, asked to list the archive's classes instead of starting.
			List<String> listing = new ArrayList<>();
			listing.add(ProcessHandle.of(pid).flatMap(process -> process.info().command()).orElseThrow());
			listing.addAll(arguments.subList(0, arguments.indexOf("-jar") + 2));
			listing.add(listing.size() - 2, "-XX:+PrintSharedArchiveAndExit");
			Process process = new ProcessBuilder(listing).redirectErrorStream(true).start();
			String classes = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertThat(process.waitFor(1, TimeUnit.MINUTES)).as("%s listed its archive", name).isTrue();
			assertThat(process.exitValue()).as("%s: %s", listing, classes.lines().limit(20).toList()).isZero();

			// "1234: reactor.netty.http.server.HttpServerOperations app_loader": the application's classes, not the
			// JDK's own (the base archive's, on Java 17).
			Set<String> archived = classes.lines()
				.map(line -> line.trim().split("\\s+"))
				.filter(words -> words.length >= 3 && words[0].endsWith(":") && words[2].startsWith("app"))
				.map(words -> words[1])
				.collect(Collectors.toSet());
			assertThat(archived.size()).as("the application's classes in %s's archive", name).isGreaterThan(1000);
			assertThat(loadedOnceUp.get(name).stream().filter(loaded -> !archived.contains(loaded)))
				.as("classes missing from %s's archive, %s", name, archive(name, arguments))
				.isEmpty();
		}
	}

	private static List<String> arguments(long pid) {
		return List.of(ProcessHandle.of(pid).flatMap(process -> process.info().arguments()).orElseThrow());
	}

	private static Path archive(String name, List<String> arguments) {
		String archive = arguments.stream()
			.filter(argument -> argument.startsWith("-XX:SharedArchiveFile=") || argument.startsWith("-XX:AOTCache="))
			.findFirst()
			.orElseThrow(() -> new AssertionError(name + " started without an archive: " + arguments));
		return Path.of(archive.substring(archive.indexOf('=') + 1));
	}

	@Test
	void aRegisteredUserSignsInAndReadsTheProfileKeyedByTheUserId() throws Exception {
		String name = "alice" + UUID.randomUUID().toString().substring(0, 8);

		HttpResponse<String> registered = register(name);

		assertThat(registered.statusCode()).isEqualTo(201);
		assertThat(registered.body()).doesNotContain("password").doesNotContain("argon2");
		String userId = JSON.readTree(registered.body()).get("id").asString();
		String token = login(name, PASSWORD);
		JsonNode profile = awaitProfile("me", token);
		assertThat(profile.get("userId").asString()).isEqualTo(userId);
		assertThat(profile.get("username").asString()).isEqualTo(name);
		assertThat(profile.get("displayName").asString()).isEqualTo("Alice Liddell");
	}

	@Test
	void registrationValuesReachTheProfileAndInvalidOnesAreListedNotFatal() throws Exception {
		String name = "edith" + UUID.randomUUID().toString().substring(0, 8);
		HttpResponse<String> registered = post(identity() + "/api/users", Map.of("username", name, "email",
				name + "@example.com", "password", PASSWORD, "profile", Map.of("bio", "Queen of hearts.", "website",
						"ftp://not.the.web", "attributes", Map.of("timezone", "Europe/London", "zoom_id", "zoom"))));
		assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);

		JsonNode profile = awaitProfile("me", login(name, PASSWORD));

		assertThat(profile.get("bio").asString()).isEqualTo("Queen of hearts.");
		assertThat(profile.has("website")).isFalse();
		assertThat(profile.get("attributes").get("timezone").asString()).isEqualTo("Europe/London");
		assertThat(profile.get("complete").asBoolean()).isTrue();
		assertThat(profile.get("rejectedInitialValues").findValuesAsString("pointer"))
			.containsExactlyInAnyOrder("/website", "/attributes/zoom_id");
	}

	@Test
	void aProfileIsReadableRightAfterSignUpEvenBeforeItsEventArrives() throws Exception {
		// Hold the event back: identity-service commits the user but does not relay.
		stack.service("identity").kill();
		stack.startService("identity", List.of("--tandem.outbox.relay-enabled=false")).awaitReady(Duration.ofSeconds(120));
		String name = "dinah" + UUID.randomUUID().toString().substring(0, 8);
		String userId = JSON.readTree(register(name).body()).get("id").asString();
		String token = login(name, PASSWORD);

		HttpResponse<String> first = send(HttpRequest
			.newBuilder(URI.create(stack.service("profile").baseUrl() + "/api/profiles/me"))
			.header("Authorization", "Bearer " + token));

		assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
		assertThat(JSON.readTree(first.body()).get("userId").asString()).isEqualTo(userId);
		String etag = first.headers().firstValue("ETag").orElseThrow();
		// Now let the event go: it finds the profile there and changes nothing.
		stack.service("identity").kill();
		stack.startService("identity").awaitReady(Duration.ofSeconds(120));
		await().atMost(Duration.ofSeconds(30)).until(() -> unpublishedEvents() == 0);
		HttpResponse<String> later = send(HttpRequest
			.newBuilder(URI.create(stack.service("profile").baseUrl() + "/api/profiles/me"))
			.header("Authorization", "Bearer " + token));
		assertThat(later.headers().firstValue("ETag")).contains(etag);
	}

	private static long unpublishedEvents() throws Exception {
		var database = stack.postgres().database("identity");
		try (var connection = java.sql.DriverManager.getConnection(database.jdbcUrl(), database.username(),
				database.password()); var rows = connection.createStatement()
					.executeQuery("select count(*) from outbox_pending")) {
			rows.next();
			return rows.getLong(1);
		}
	}

	@Test
	void aUserRegisteredWhileProfileServiceIsDownGetsAProfileWhenItIsBack() throws Exception {
		stack.service("profile").kill();
		String name = "bob" + UUID.randomUUID().toString().substring(0, 8);

		HttpResponse<String> registered = register(name);
		assertThat(registered.statusCode()).isEqualTo(201);
		stack.startService("profile").awaitReady(Duration.ofSeconds(120));

		String userId = JSON.readTree(registered.body()).get("id").asString();
		assertThat(awaitProfile(userId, login(name, PASSWORD)).get("username").asString()).isEqualTo(name);
	}

	@Test
	void anEmailChangeReachesTheProfileAndADeletedUserLosesIt() throws Exception {
		String name = "carol" + UUID.randomUUID().toString().substring(0, 8);
		String userId = JSON.readTree(register(name).body()).get("id").asString();
		String token = login(name, PASSWORD);
		awaitProfile("me", token);

		HttpResponse<String> changed = send(HttpRequest.newBuilder(URI.create(identity() + "/api/users/me"))
			.header("Authorization", "Bearer " + token)
			.header("Content-Type", "application/json")
			.method("PATCH", HttpRequest.BodyPublishers.ofString("{\"email\":\"" + name + "@new.example\"}")));
		assertThat(changed.statusCode()).isEqualTo(200);
		await().atMost(Duration.ofSeconds(30)).until(() -> name.concat("@new.example")
			.equals(awaitProfile("me", token).path("email").asString()));

		String admin = login("root", ADMIN_PASSWORD);
		HttpResponse<String> deleted = send(HttpRequest.newBuilder(URI.create(identity() + "/api/users/" + userId))
			.header("Authorization", "Bearer " + admin)
			.DELETE());
		assertThat(deleted.statusCode()).isEqualTo(204);
		await().atMost(Duration.ofSeconds(30)).until(() -> send(HttpRequest
			.newBuilder(URI.create(stack.service("profile").baseUrl() + "/api/profiles/" + userId))
			.header("Authorization", "Bearer " + admin)).statusCode() == 404);
	}

	private static HttpResponse<String> register(String name) throws Exception {
		return post(identity() + "/api/users", Map.of("username", name, "email", name + "@example.com", "password",
				PASSWORD, "firstName", "Alice", "lastName", "Liddell"));
	}

	private static String login(String username, String password) throws Exception {
		HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(identity() + "/oauth2/token"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("grant_type=password&username="
					+ URLEncoder.encode(username, StandardCharsets.UTF_8) + "&password="
					+ URLEncoder.encode(password, StandardCharsets.UTF_8))));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return JSON.readTree(response.body()).get("access_token").asString();
	}

	private static JsonNode awaitProfile(String idOrMe, String token) {
		return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
			HttpResponse<String> response = send(HttpRequest
				.newBuilder(URI.create(stack.service("profile").baseUrl() + "/api/profiles/" + idOrMe))
				.header("Authorization", "Bearer " + token));
			return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
		}, profile -> profile != null);
	}

	private static String identity() {
		return stack.service("identity").baseUrl();
	}

	private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static HttpResponse<String> post(String url, Map<String, Object> body) throws Exception {
		return HTTP.send(HttpRequest.newBuilder(URI.create(url))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static synchronized void append(Path log, String line) {
		try {
			Files.writeString(log, line + System.lineSeparator(), java.nio.file.StandardOpenOption.CREATE,
					java.nio.file.StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}
}
