package dev.tandem.endtoend;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

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

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static Path data;

	private static LocalStack stack;

	@BeforeAll
	static void startTandem() throws Exception {
		data = Files.createTempDirectory("tandem-e2e");
		Path logs = Files.createDirectories(Path.of("target", "e2e-logs"));
		Path log = logs.resolve("services.log");
		Files.deleteIfExists(log);
		stack = LocalStack.start(new LocalStack.Settings(data, 0, 0, freePort(), freePort(),
				LocalStack.jar(Path.of("..", "identity-service", "target")),
				LocalStack.jar(Path.of("..", "profile-service", "target")), List.of("-Xmx256m"),
				Map.of("identity", List.of("--tandem.passwords.argon2.memory-kib=1024",
						"--tandem.passwords.argon2.iterations=1"))), line -> append(log, line));
	}

	@AfterAll
	static void stopTandem() throws Exception {
		if (stack != null) {
			stack.close();
		}
		LocalStack.deleteRecursively(data);
	}

	@Test
	void aRegisteredUserGetsAProfileKeyedByTheUserId() throws Exception {
		String name = "alice" + UUID.randomUUID().toString().substring(0, 8);

		HttpResponse<String> registered = post(stack.service("identity").baseUrl() + "/api/users", Map.of(
				"username", name, "email", name + "@example.com", "password", "correct horse battery staple",
				"firstName", "Alice", "lastName", "Liddell"));

		assertThat(registered.statusCode()).isEqualTo(201);
		assertThat(registered.body()).doesNotContain("password").doesNotContain("argon2");
		String userId = JSON.readTree(registered.body()).get("id").asString();
		JsonNode profile = awaitProfile(userId);
		assertThat(profile.get("userId").asString()).isEqualTo(userId);
		assertThat(profile.get("username").asString()).isEqualTo(name);
		assertThat(profile.get("displayName").asString()).isEqualTo("Alice Liddell");
	}

	@Test
	void aUserRegisteredWhileProfileServiceIsDownGetsAProfileWhenItIsBack() throws Exception {
		stack.service("profile").kill();
		String name = "bob" + UUID.randomUUID().toString().substring(0, 8);

		HttpResponse<String> registered = post(stack.service("identity").baseUrl() + "/api/users",
				Map.of("username", name, "email", name + "@example.com", "password", "correct horse battery staple"));
		assertThat(registered.statusCode()).isEqualTo(201);
		stack.startService("profile").awaitReady(Duration.ofSeconds(120));

		String userId = JSON.readTree(registered.body()).get("id").asString();
		assertThat(awaitProfile(userId).get("username").asString()).isEqualTo(name);
	}

	private static JsonNode awaitProfile(String userId) {
		return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
			HttpResponse<String> response = HTTP.send(
					HttpRequest.newBuilder(URI.create(stack.service("profile").baseUrl() + "/api/profiles/" + userId))
						.build(),
					HttpResponse.BodyHandlers.ofString());
			return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
		}, profile -> profile != null);
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

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}
}
