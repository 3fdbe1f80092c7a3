package dev.tandem.endtoend;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.tandem.events.user.UserCreated;
import dev.tandem.events.user.UserEvents;
import dev.tandem.localstack.LocalStack;
import dev.tandem.localstack.PostgresServer;
import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.CloudEventSerializer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole system as the README runs it, on a data directory of its own and free ports: both packaged services as
 * processes, a real PostgreSQL and a real Kafka broker. Each test class starts one; its service output goes to
 * {@code target/e2e-logs/}.
 */
final class RunningTandem implements AutoCloseable {

	static final String PASSWORD = "correct horse battery staple";

	static final String ADMIN_PASSWORD = "root has a long passphrase";

	static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final LocalStack stack;

	private final Path data;

	private RunningTandem(LocalStack stack, Path data) {
		this.stack = stack;
		this.data = data;
	}

	static RunningTandem start(String name) throws Exception {
		Path data = Files.createTempDirectory("tandem-" + name);
		Path log = Files.createDirectories(Path.of("target", "e2e-logs")).resolve(name + ".log");
		Files.deleteIfExists(log);
		LocalStack stack = LocalStack.start(new LocalStack.Settings(data, 0, 0, LocalStack.freePort(),
				LocalStack.freePort(),
				LocalStack.jar(Path.of("..", "identity-service", "target")),
				LocalStack.jar(Path.of("..", "profile-service", "target")), LocalStack.DEFAULT_JAVA_OPTIONS,
				Map.of("identity", List.of("--tandem.passwords.argon2.memory-kib=1024",
						"--tandem.passwords.argon2.iterations=1", "--tandem.admin.username=root",
						"--tandem.admin.email=root@example.com", "--tandem.admin.password=" + ADMIN_PASSWORD))),
				line -> append(log, line));
		return new RunningTandem(stack, data);
	}

	/**
	 * The stack with its users in a real Keycloak (started by {@code keycloak/keycloak.sh}); identity-service syncs
	 * with it every two seconds.
	 */
	static RunningTandem startWithKeycloak(String name) throws Exception {
		Path data = Files.createTempDirectory("tandem-" + name);
		Path log = Files.createDirectories(Path.of("target", "e2e-logs")).resolve(name + ".log");
		Files.deleteIfExists(log);
		LocalStack.Settings settings = new LocalStack.Settings(data, 0, 0, LocalStack.freePort(),
				LocalStack.freePort(),
				LocalStack.jar(Path.of("..", "identity-service", "target")),
				LocalStack.jar(Path.of("..", "profile-service", "target")), LocalStack.DEFAULT_JAVA_OPTIONS,
				Map.of("identity", List.of("--tandem.keycloak.sync-interval=2s", "--tandem.keycloak.sync-initial-delay=1s",
						"--tandem.keycloak.new-user-grace=1s")))
			.withKeycloak(Path.of("..", "keycloak", "keycloak.sh"), LocalStack.freePort(), LocalStack.freePort());
		return new RunningTandem(LocalStack.start(settings, line -> append(log, line)), data);
	}

	LocalStack stack() {
		return stack;
	}

	String identity() {
		return stack.service("identity").baseUrl();
	}

	String profile() {
		return stack.service("profile").baseUrl();
	}

	HttpResponse<String> register(String username) throws Exception {
		return send(HttpRequest.newBuilder(URI.create(identity() + "/api/users"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("username", username, "email",
					username + "@example.com", "password", PASSWORD, "firstName", "Alice", "lastName", "Liddell")))));
	}

	String login(String username, String password) throws Exception {
		HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(identity() + "/oauth2/token"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("grant_type=password&username="
					+ URLEncoder.encode(username, StandardCharsets.UTF_8) + "&password="
					+ URLEncoder.encode(password, StandardCharsets.UTF_8))));
		if (response.statusCode() != 200) {
			throw new IllegalStateException("login failed: " + response.body());
		}
		return JSON.readTree(response.body()).get("access_token").asString();
	}

	String adminToken() throws Exception {
		return login("root", ADMIN_PASSWORD);
	}

	static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	/** A producer that writes user events as identity-service's relay does. */
	KafkaProducer<String, CloudEvent> producer() {
		return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers(),
				ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new CloudEventSerializer());
	}

	static ProducerRecord<String, CloudEvent> userCreated(String username) {
		UserCreated event = new UserCreated(UUID.randomUUID(), 1, Instant.now(), username, username + "@example.com",
				"Test", "User", true, null);
		return new ProducerRecord<>(UserEvents.TOPIC, event.userId().toString(),
				UserEvents.toCloudEvent(UUID.randomUUID(), event));
	}

	/** How many profiles exist whose username starts with {@code prefix}, and how many distinct users they belong to. */
	long[] profiles(String prefix) throws SQLException {
		return query("profile", "select count(*), count(distinct user_id) from profiles where username like '"
				+ prefix.replace("'", "") + "%'");
	}

	long profileCount(String prefix) {
		try {
			return profiles(prefix)[0];
		}
		catch (SQLException ex) {
			// The database may be down on purpose; the caller polls again.
			return -1;
		}
	}

	/** The usernames starting with {@code prefix} that identity-service's users, or profile-service's profiles, have. */
	Set<String> usernames(String database, String prefix) throws SQLException {
		String table = database.equals("identity") ? "users" : "profiles";
		Set<String> usernames = new HashSet<>();
		try (Connection connection = connect(database); Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("select username from " + table + " where username like '"
						+ prefix.replace("'", "") + "%'")) {
			while (rows.next()) {
				usernames.add(rows.getString(1));
			}
		}
		return usernames;
	}

	long unpublishedEvents() throws SQLException {
		return query("identity", "select count(*), 0 from outbox_pending")[0];
	}

	/** A fingerprint of the profiles of {@code prefix}: any change to any of them changes it. */
	String fingerprint(String prefix) throws SQLException {
		try (Connection connection = connect("profile"); Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("select md5(string_agg(user_id::text || version || "
						+ "identity_version || username || email || updated_at::text, ',' order by user_id)) "
						+ "from profiles where username like '" + prefix.replace("'", "") + "%'")) {
			rows.next();
			return rows.getString(1);
		}
	}

	private long[] query(String database, String sql) throws SQLException {
		try (Connection connection = connect(database); Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery(sql)) {
			rows.next();
			return new long[] { rows.getLong(1), rows.getLong(2) };
		}
	}

	private Connection connect(String name) throws SQLException {
		PostgresServer.Database database = stack.postgres().database(name);
		return DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
	}

	@Override
	public void close() throws Exception {
		try {
			stack.close();
		}
		finally {
			LocalStack.deleteRecursively(data);
		}
	}

	private static synchronized void append(Path log, String line) {
		try {
			Files.writeString(log, line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}
}
