package dev.tandem.localstack;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole system on one machine: PostgreSQL with one database per service, a Kafka broker, identity-service and
 * profile-service. {@link #main} is what the README's run command starts; tests start it through {@link #start}.
 */
public final class LocalStack implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(LocalStack.class);

	/**
	 * The services' JVM options unless {@code TANDEM_JAVA_OPTS} says otherwise: a 256 MiB heap that starts small
	 * and gives memory back (on Java 25, G1 with a collection of an idle heap every 5 s; before, the serial
	 * collector, which spared G1's tens of MiB of bookkeeping on Java 17), and, where the JVM can, a trim of the C
	 * library's heap every 5 s, which hands back the native memory the JIT compilers and the network threads freed,
	 * compact object headers, and an early unloading of compiled code a service has not run for a while; and native
	 * access for Netty, which otherwise frees its buffers expensively on Java 25. docs/benchmarks.md has what they
	 * change. They are for the {@linkplain ServiceJava#CHOSEN services' Java}.
	 */
	public static final List<String> DEFAULT_JAVA_OPTIONS = defaultJavaOptions(ServiceJava.CHOSEN.version());

	static List<String> defaultJavaOptions(Runtime.Version java) {
		List<String> options = new ArrayList<>(List.of("-Xmx256m", "-Xms32m"));
		if (java.feature() >= ServiceJava.AHEAD_OF_TIME_CACHE) {
			// G1 collects an idle service every 5 s and hands back the heap a load grew (JEP 346); the serial
			// collector keeps what it grew until a full collection, which an idle service may never have. The idle
			// collection is a full one, not a concurrent cycle: a cycle shrinks the heap only by the old regions it
			// found empty, and left profile-service with 112 MiB committed for 45 MiB used; a full collection (some
			// 60 ms, only when no other collection ran for 5 s) compacts it to what is live plus 10 to 15 %. Under
			// load the heap may grow sooner (GC time 2 % instead of 8 %): from so small a heap, profile-service
			// started a marking cycle every few young collections during a bulk import (docs/benchmarks.md, item 17).
			options.addAll(List.of("-XX:+UseG1GC", "-XX:G1PeriodicGCInterval=5000", "-XX:-G1PeriodicGCInvokesConcurrent",
					"-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=15", "-XX:GCTimeRatio=49"));
			// Object headers of 8 bytes instead of 12 (JEP 519, a product option since Java 25): a smaller live heap.
			options.add("-XX:+UseCompactObjectHeaders");
			// A collection that unloads compiled code once about 2 MiB of new code (1 % of the code cache's 240
			// MiB, less as it fills) was compiled since the last one, instead of 36 MiB (15 %), which a service
			// never reaches. The code cache never hands memory back and stays at its high-water mark; collected
			// earlier, the code the service has not run for a while makes room for new code before new pages are
			// touched. profile-service ended the benchmark with 26 MiB of compiled code instead of 47, for 16 of
			// these collections over the run (docs/benchmarks.md, item 28).
			options.add("-XX:SweeperThreshold=1");
		}
		else {
			options.addAll(List.of("-XX:+UseSerialGC", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30"));
		}
		if (java.feature() >= 24) {
			// From Java 24 the JVM warns when code without native access loads a native library, as Netty does for
			// its epoll transport, and says such loads will be blocked. From Java 25 Netty 4.2 no longer uses
			// sun.misc.Unsafe and frees the native memory of its buffers by closing a shared arena, and every close
			// stops all the JVM's threads for a handshake: in a profile of a bulk import, the closes and their
			// handshakes were 3.6 % of identity-service's CPU samples and 8.6 % of profile-service's. Allowed native
			// calls, it calls malloc and free instead (docs/benchmarks.md, item 25). The class path's code is the
			// unnamed module.
			options.add("--enable-native-access=ALL-UNNAMED");
		}
		if (trimsNativeHeap(java)) {
			// Experimental in the first releases that have it, an ordinary option later; unlocking does no harm there.
			options.add("-XX:+UnlockExperimentalVMOptions");
			options.add("-XX:TrimNativeHeapInterval=5000");
		}
		return List.copyOf(options);
	}

	/**
	 * Whether the JVM knows {@code -XX:TrimNativeHeapInterval} (JDK-8293114: 22, and backported to 17.0.9 and
	 * 21.0.1, as an experimental option at first); a JVM given an option it does not know refuses to start.
	 */
	static boolean trimsNativeHeap(Runtime.Version java) {
		return switch (java.feature()) {
			case 17 -> java.update() >= 9;
			case 21 -> java.update() >= 1;
			default -> java.feature() >= 22;
		};
	}

	private static volatile boolean stopping;

	/** What a start has brought up so far, newest first, for a Ctrl-C that comes before the start is done. */
	private static final Deque<AutoCloseable> STARTING = new ConcurrentLinkedDeque<>();

	/**
	 * The secret profile-service authenticates with to identity-service in a local run, and its bcrypt hash as
	 * identity-service stores it. Local runs only: deployments configure their own.
	 */
	static final String LOCAL_CLIENT_SECRET = "local-profile-service-secret";

	static final String LOCAL_CLIENT_SECRET_HASH = "{bcrypt}$2a$10$hHV4ED3yGYDl10Zi0Ruv3uM/MynT24kGIZkHYBq3oX9PpfTxyHMn.";

	private PostgresServer postgres;

	private KafkaBroker kafka;

	private final List<ServiceProcess> services = new ArrayList<>();

	private final Settings settings;

	private final Consumer<String> output;

	private final @Nullable KeycloakServer keycloak;

	private LocalStack(Settings settings, PostgresServer postgres, KafkaBroker kafka, @Nullable KeycloakServer keycloak,
			Consumer<String> output) {
		this.settings = settings;
		this.output = output;
		this.postgres = postgres;
		this.kafka = kafka;
		this.keycloak = keycloak;
	}

	/**
	 * How to run the stack.
	 *
	 * @param dataDirectory where PostgreSQL and Kafka keep their data between runs
	 * @param postgresPort, kafkaPort, identityPort, profilePort 0 for any free port (not for the services)
	 * @param jvmOptions options for each service's JVM, such as {@code -Xmx256m}
	 * @param serviceArguments extra Spring Boot properties per service name ({@code identity}, {@code profile})
	 */
	public record Settings(Path dataDirectory, int postgresPort, int kafkaPort, int identityPort, int profilePort,
			Path identityJar, Path profileJar, List<String> jvmOptions, Map<String, List<String>> serviceArguments,
			@Nullable Path keycloakScript, int keycloakPort, int keycloakManagementPort) {

		public Settings {
			jvmOptions = List.copyOf(jvmOptions);
			serviceArguments = Map.copyOf(serviceArguments);
		}

		/** Without Keycloak: identity-service keeps the users itself. */
		public Settings(Path dataDirectory, int postgresPort, int kafkaPort, int identityPort, int profilePort,
				Path identityJar, Path profileJar, List<String> jvmOptions, Map<String, List<String>> serviceArguments) {
			this(dataDirectory, postgresPort, kafkaPort, identityPort, profilePort, identityJar, profileJar, jvmOptions,
					serviceArguments, null, 0, 0);
		}

		/**
		 * These settings with the users in Keycloak, started by {@code script} ({@code keycloak/keycloak.sh}) on the
		 * given ports.
		 */
		public Settings withKeycloak(Path script, int port, int managementPort) {
			return new Settings(dataDirectory, postgresPort, kafkaPort, identityPort, profilePort, identityJar,
					profileJar, jvmOptions, serviceArguments, script, port, managementPort);
		}

		/** The settings of the README's run command, reading overrides from the environment. */
		static Settings local(Path repository, Path dataDirectory) {
			return new Settings(dataDirectory, env("TANDEM_POSTGRES_PORT", 15432), env("TANDEM_KAFKA_PORT", 19092),
					env("TANDEM_IDENTITY_PORT", 8081), env("TANDEM_PROFILE_PORT", 8082),
					jar(repository.resolve("identity-service/target")), jar(repository.resolve("profile-service/target")),
					javaOptions(), Map.of());
		}

		private static List<String> javaOptions() {
			String value = System.getenv("TANDEM_JAVA_OPTS");
			return value == null || value.isBlank() ? DEFAULT_JAVA_OPTIONS : List.of(value.trim().split("\\s+"));
		}

		static int env(String name, int fallback) {
			String value = System.getenv(name);
			return value == null || value.isBlank() ? fallback : Integer.parseInt(value.trim());
		}
	}

	/** A TCP port nothing listens on now, for a stack's server or service to listen on. */
	public static int freePort() throws IOException {
		return ChildProcesses.freePort();
	}

	/** Finds the executable Spring Boot jar Maven packaged in {@code target}. */
	public static Path jar(Path target) {
		try (Stream<Path> files = Files.list(target)) {
			return files.filter(file -> file.getFileName().toString().endsWith(".jar"))
				.filter(file -> !file.getFileName().toString().endsWith("-plain.jar"))
				.findFirst()
				.orElseThrow(() -> new IllegalStateException("no jar in " + target + "; run ./mvnw package first"));
		}
		catch (IOException ex) {
			throw new IllegalStateException("no jar in " + target + "; run ./mvnw package first", ex);
		}
	}

	/**
	 * Starts PostgreSQL and Kafka, then both services, and waits until both services are ready.
	 *
	 * @param output receives the services' output lines, prefixed by their names
	 */
	public static LocalStack start(Settings settings, Consumer<String> output) throws Exception {
		PostgresServer postgres = PostgresServer.start(settings.dataDirectory().resolve("postgres"), settings.postgresPort());
		STARTING.push(postgres);
		KafkaBroker kafka;
		try {
			kafka = KafkaBroker.start(settings.dataDirectory().resolve("kafka"), settings.kafkaPort());
		}
		catch (Exception ex) {
			postgres.close();
			throw ex;
		}
		STARTING.push(kafka);
		KeycloakServer keycloak = null;
		Path script = settings.keycloakScript();
		if (script != null) {
			try {
				keycloak = KeycloakServer.start(script, settings.keycloakPort(), settings.keycloakManagementPort(),
						postgres.database("keycloak"), line -> output.accept(String.format("%-8s | ", "keycloak") + line));
				STARTING.push(keycloak);
				// The first start on a machine fetches and builds Keycloak: minutes, not seconds.
				Duration took = keycloak.awaitReady(Duration.ofMinutes(5));
				log.info("Keycloak ready on {} after {} ms", keycloak.baseUrl(), took.toMillis());
			}
			catch (Exception ex) {
				if (keycloak != null) {
					keycloak.close();
				}
				kafka.close();
				postgres.close();
				throw ex;
			}
		}
		LocalStack stack = new LocalStack(settings, postgres, kafka, keycloak, output);
		STARTING.clear();
		STARTING.push(stack);
		try {
			stack.startService("identity");
			stack.startService("profile");
			stack.awaitReady(Duration.ofSeconds(120));
		}
		catch (Exception ex) {
			stack.close();
			throw ex;
		}
		return stack;
	}

	/**
	 * Starts (or starts again, after {@link ServiceProcess#kill()}) the named service: {@code identity} or
	 * {@code profile}.
	 */
	public ServiceProcess startService(String name) throws Exception {
		return startService(name, List.of());
	}

	/** Starts the named service with extra Spring Boot properties, such as {@code --tandem.outbox.relay-enabled=false}. */
	public ServiceProcess startService(String name, List<String> extraArguments) throws Exception {
		boolean identity = name.equals("identity");
		PostgresServer.Database database = postgres.database(identity ? "identity" : "profile");
		List<String> arguments = new ArrayList<>(List.of(
				"--spring.r2dbc.url=" + database.r2dbcUrl(),
				"--spring.r2dbc.username=" + database.username(),
				"--spring.r2dbc.password=" + database.password(),
				"--spring.flyway.url=" + database.jdbcUrl(),
				"--spring.flyway.user=" + database.username(),
				"--spring.flyway.password=" + database.password(),
				"--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers()));
		String issuer = "http://localhost:" + settings.identityPort();
		KeycloakServer realm = keycloak;
		if (realm != null && identity) {
			arguments.add("--tandem.identity.provider=keycloak");
			arguments.add("--tandem.keycloak.server-url=" + realm.baseUrl());
			arguments.add("--tandem.keycloak.issuer=" + realm.issuer());
			arguments.add("--tandem.keycloak.client-secret=" + KeycloakServer.IDENTITY_CLIENT_SECRET);
		}
		else if (realm != null) {
			arguments.add("--tandem.identity.base-url=http://127.0.0.1:" + settings.identityPort());
			arguments.add("--tandem.identity.issuer=" + realm.issuer());
			arguments.add("--tandem.identity.jwk-set-uri=" + realm.realmUrl() + "/protocol/openid-connect/certs");
			arguments.add("--tandem.identity.token-uri=" + realm.realmUrl() + "/protocol/openid-connect/token");
			arguments.add("--tandem.identity.roles-claim=realm_access.roles");
			arguments.add("--tandem.identity.client-id=profile-service");
			arguments.add("--tandem.identity.client-secret=" + KeycloakServer.PROFILE_CLIENT_SECRET);
		}
		else if (identity) {
			arguments.add("--tandem.tokens.issuer=" + issuer);
			arguments.add("--tandem.tokens.signing-key.private-key=file:"
					+ SigningKeyFile.in(settings.dataDirectory().resolve("keys")).toAbsolutePath());
			arguments.add("--tandem.tokens.clients.profile-service.secret=" + LOCAL_CLIENT_SECRET_HASH);
			arguments.add("--tandem.tokens.clients.profile-service.scopes=users:read");
		}
		else {
			arguments.add("--tandem.identity.base-url=http://127.0.0.1:" + settings.identityPort());
			arguments.add("--tandem.identity.issuer=" + issuer);
			arguments.add("--tandem.identity.client-id=profile-service");
			arguments.add("--tandem.identity.client-secret=" + LOCAL_CLIENT_SECRET);
		}
		arguments.addAll(settings.serviceArguments().getOrDefault(name, List.of()));
		arguments.addAll(extraArguments);
		services.removeIf(service -> service.name().equals(name) && !service.isAlive());
		String prefix = String.format("%-8s | ", name);
		Path jar = identity ? settings.identityJar() : settings.profileJar();
		ClassDataArchive.Launch launch = "off".equalsIgnoreCase(System.getenv("TANDEM_CDS"))
				? new ClassDataArchive.Launch(jar, settings.jvmOptions())
				: ClassDataArchive.prepare(name, jar, settings.jvmOptions(), arguments,
						Set.copyOf(List.of(settings.identityPort(), settings.profilePort())),
						line -> output.accept(prefix + line));
		ServiceProcess service = ServiceProcess.start(name, launch.jar(),
				identity ? settings.identityPort() : settings.profilePort(), launch.jvmOptions(), arguments,
				line -> output.accept(prefix + line));
		services.add(service);
		return service;
	}

	private void awaitReady(Duration timeout) throws InterruptedException {
		for (ServiceProcess service : services) {
			Duration took = service.awaitReady(timeout);
			log.info("{} ready on {} after {} ms", service.name(), service.baseUrl(), took.toMillis());
		}
	}

	/** Stops the Kafka broker, as an outage would; {@link #startKafka} brings it back with its data. */
	public void stopKafka() {
		kafka.close();
	}

	public void startKafka() throws Exception {
		kafka = KafkaBroker.start(settings.dataDirectory().resolve("kafka"), kafka.port());
	}

	/** Stops PostgreSQL, as an outage would; {@link #startPostgres} brings it back with its data on the same port. */
	public void stopPostgres() throws IOException {
		postgres.close();
	}

	/** Kills PostgreSQL's processes, as a crash would; {@link #startPostgres} brings it back, recovered from its log. */
	public void crashPostgres() throws IOException {
		postgres.crash();
	}

	public void startPostgres() throws IOException {
		postgres = PostgresServer.start(settings.dataDirectory().resolve("postgres"), postgres.port());
	}

	/** Where the stack keeps its data (and the token signing key, in {@code keys/}). */
	public Path dataDirectory() {
		return settings.dataDirectory();
	}

	public PostgresServer postgres() {
		return postgres;
	}

	public KafkaBroker kafka() {
		return kafka;
	}

	/** The Keycloak server, when the stack keeps its users there. */
	public @Nullable KeycloakServer keycloak() {
		return keycloak;
	}

	public ServiceProcess service(String name) {
		return services.stream()
			.filter(service -> service.name().equals(name))
			.reduce((first, second) -> second)
			.orElseThrow(() -> new IllegalArgumentException("no service " + name));
	}

	/** Stops the services gracefully, then Kafka, then PostgreSQL. */
	@Override
	public void close() throws Exception {
		List<CompletableFuture<Void>> stopping = services.stream().map(service -> CompletableFuture.runAsync(() -> {
			try {
				service.close();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		})).toList();
		CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new)).join();
		try {
			if (keycloak != null) {
				keycloak.close();
			}
		}
		finally {
			try {
				kafka.close();
			}
			finally {
				postgres.close();
			}
		}
	}

	/**
	 * The README's run command: {@code ./run.sh [--fresh]}. Ctrl-C stops everything it started; data stays in
	 * {@code .tandem/} unless {@code --fresh} is given.
	 */
	public static void main(String[] args) throws Exception {
		Path repository = Path.of(System.getProperty("tandem.repository", ".")).toAbsolutePath().normalize();
		Path data = repository.resolve(".tandem");
		boolean withKeycloak = false;
		for (String arg : args) {
			switch (arg) {
				// The Keycloak distribution in .tandem/keycloak is software, not data: it stays.
				case "--fresh" -> deleteDataIn(data);
				case "--keycloak" -> withKeycloak = true;
				case "--help", "-h" -> {
					usage(System.out);
					return;
				}
				default -> {
					usage(System.err);
					System.exit(2);
				}
			}
		}
		Settings settings = Settings.local(repository, data);
		if (withKeycloak) {
			settings = settings.withKeycloak(repository.resolve("keycloak/keycloak.sh"),
					Settings.env("TANDEM_KEYCLOAK_PORT", 8180), Settings.env("TANDEM_KEYCLOAK_MANAGEMENT_PORT", 9180));
		}
		log.info("Starting PostgreSQL on {} and Kafka on {}, data in {}", settings.postgresPort(), settings.kafkaPort(), data);
		log.info("The services run on {}", ServiceJava.CHOSEN);
		CountDownLatch stopped = new CountDownLatch(1);
		AtomicReference<@Nullable LocalStack> started = new AtomicReference<>();
		// Registered before anything starts: Ctrl-C while starting must stop what has started so far.
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			stopping = true;
			log.info("Stopping Tandem");
			LocalStack running = started.get();
			try {
				if (running != null) {
					running.close();
				}
				else {
					STARTING.forEach(LocalStack::closeQuietly);
				}
			}
			catch (Exception ex) {
				log.warn("Stopping did not finish cleanly", ex);
			}
		}, "tandem-shutdown"));
		LocalStack stack = start(settings, System.out::println, stopped);
		started.set(stack);
		KeycloakServer keycloak = stack.keycloak();
		log.info("Tandem is up: identity-service {}, profile-service {}{}. Ctrl-C stops it.",
				stack.service("identity").baseUrl(), stack.service("profile").baseUrl(),
				keycloak == null ? "" : ", Keycloak " + keycloak.baseUrl() + " (realm " + KeycloakServer.REALM + ")");
		stopped.await();
		// A service exited on its own: stop the rest (through the shutdown hook) and say so.
		System.exit(1);
	}

	private static LocalStack start(Settings settings, Consumer<String> output, CountDownLatch stopped) throws Exception {
		LocalStack stack = start(settings, output);
		for (ServiceProcess service : stack.services) {
			Thread watcher = new Thread(() -> {
				try {
					int status = service.waitFor();
					if (!stopping) {
						log.warn("{} exited with status {}; stopping the rest", service.name(), status);
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				stopped.countDown();
			}, service.name() + "-watcher");
			watcher.setDaemon(true);
			watcher.start();
		}
		return stack;
	}

	private static void closeQuietly(AutoCloseable resource) {
		try {
			resource.close();
		}
		catch (Exception ex) {
			log.warn("Could not stop {}: {}", resource, ex.toString());
		}
	}

	private static void usage(PrintStream out) {
		out.println("usage: ./run.sh [--fresh] [--keycloak]");
		out.println("  --fresh     delete the data of earlier runs (.tandem/) before starting");
		out.println("  --keycloak  keep the users in a Keycloak realm (keycloak/tandem-realm.json), started too");
	}

	/** Deletes the data of earlier runs, keeping the Keycloak distribution. */
	private static void deleteDataIn(Path data) {
		if (!Files.isDirectory(data)) {
			return;
		}
		try (Stream<Path> children = Files.list(data)) {
			children.filter(child -> !child.getFileName().toString().equals("keycloak"))
				.forEach(LocalStack::deleteRecursively);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public static void deleteRecursively(@Nullable Path directory) {
		if (directory == null || !Files.exists(directory)) {
			return;
		}
		try (Stream<Path> files = Files.walk(directory)) {
			files.sorted(Comparator.reverseOrder()).forEach(file -> {
				try {
					Files.delete(file);
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			});
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}
}
