package dev.tandem.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import dev.tandem.localstack.LocalStack;
import dev.tandem.localstack.PostgresServer;
import dev.tandem.localstack.ServiceJava;
import dev.tandem.localstack.ServiceProcess;
import org.jspecify.annotations.Nullable;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

/**
 * Starts Tandem as {@code ./run.sh} does (embedded PostgreSQL, a Kafka broker, both services as JVMs with
 * {@link LocalStack#DEFAULT_JAVA_OPTIONS}, a 256 MiB heap) and measures, from this separate process on loopback:
 * propagation latency from the identity transaction to the profile row, a 100 000-user bulk import until the last
 * profile exists, profile reads and writes at 32 and 128 connections next to pgbench running the same primary-key
 * statements on the same database, the same reads and writes on the services' stack alone (bench-floor), resident
 * memory, and start-up time. Prints a table and writes a CSV and a PNG chart.
 *
 * <pre>./bench/run.sh [--quick] [--only measure,...]</pre>
 */
public final class Benchmark {

	static final String BENCH_ID_PREFIX = "00000000-0000-4000-8000-";

	/** The ids of the import that warms the JIT before the measured bulk. */
	private static final String WARM_UP_ID_PREFIX = "00000000-0000-4000-8001-";

	/** The statements pgbench runs: the service's read and write of one profile by primary key. */
	private static final Map<String, String> PGBENCH_STATEMENTS = Map.of("select",
			"SELECT * FROM profiles WHERE user_id = ('" + BENCH_ID_PREFIX
					+ "' || lpad(to_hex(CAST(:n AS bigint)), 12, '0'))::uuid;",
			"update", "UPDATE profiles SET bio = 'pgbench ' || CAST(:n AS text) WHERE user_id = ('" + BENCH_ID_PREFIX
					+ "' || lpad(to_hex(CAST(:n AS bigint)), 12, '0'))::uuid;");

	static final String PASSWORD = "bench password long enough";

	/** How many times each service is started for the start-up figure: odd, so the median is one of them. */
	private static final int STARTS = 3;

	static final JsonMapper JSON = JsonMapper.builder().build();

	static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final List<Row> rows = new ArrayList<>();

	private final List<Load.Result> loads = new ArrayList<>();

	private final Map<String, Double> pgbench = new HashMap<>();

	/** Numbers each propagation run, so that its users' names are its own. */
	private int propagationRuns;

	/** The password hash every imported user gets: bcrypt at its lowest cost, made once. */
	private final String importedHash = "{bcrypt}" + new BCryptPasswordEncoder(4).encode(PASSWORD);

	private final Options options;

	private final LocalStack stack;

	private final List<String> jvmOptions;

	private final Path log;

	/** The floor's rates by scenario ("read 32", ...), for the chart. */
	private final Map<String, Double> floorRates = new HashMap<>();

	private Benchmark(Options options, LocalStack stack, List<String> jvmOptions, Path log) {
		this.options = options;
		this.stack = stack;
		this.jvmOptions = jvmOptions;
		this.log = log;
	}

	/**
	 * What a run measures, in the order it measures them. A run of some of them does what those need (reads and
	 * writes need the bulk's users, so their run imports them, unmeasured) and nothing else.
	 */
	enum Measure {

		PROPAGATION("propagation"), BULK("bulk"), READS("reads"), WRITES("writes"), MEMORY("memory"), FLOOR("floor"),
		START_UP("start-up");

		final String argument;

		Measure(String argument) {
			this.argument = argument;
		}

		static Measure named(String argument) {
			return Arrays.stream(values())
				.filter(measure -> measure.argument.equals(argument))
				.findFirst()
				.orElseThrow(() -> new IllegalArgumentException("no measure called '" + argument + "'; there are "
						+ Arrays.stream(values()).map(measure -> measure.argument).collect(Collectors.joining(", "))));
		}
	}

	/**
	 * How big the run is and what it measures; {@code --quick} is for trying the runner, not for figures. A run of
	 * every measure writes its results to {@code bench/results} (the figures docs/benchmarks.md gives); a run of some
	 * ({@code --only reads,writes}) to {@code bench/target/results}, so it never passes for a whole run.
	 */
	record Options(int latencyUsers, int steadyRate, int fastRate, int bulkUsers, int tokenUsers, Duration jitWarmUp,
			Duration warmUp, Duration measured, Set<Measure> measures, Path repository) {

		static final String USAGE = "usage: ./bench/run.sh [--quick] [--only measure,...]   (measures: "
				+ Arrays.stream(Measure.values()).map(measure -> measure.argument).collect(Collectors.joining(", "))
				+ ")";

		static Options of(String[] args, Path repository) {
			boolean quick = false;
			Set<Measure> measures = EnumSet.allOf(Measure.class);
			for (int i = 0; i < args.length; i++) {
				String arg = args[i];
				if (arg.equals("--quick")) {
					quick = true;
				}
				else if (arg.equals("--only") || arg.startsWith("--only=")) {
					String names = arg.equals("--only") ? (i + 1 < args.length ? args[++i] : "")
							: arg.substring("--only=".length());
					measures = EnumSet.noneOf(Measure.class);
					for (String name : names.split(",")) {
						if (!name.isBlank()) {
							measures.add(Measure.named(name.strip()));
						}
					}
					if (measures.isEmpty()) {
						throw new IllegalArgumentException("--only needs one measure or more");
					}
				}
				else {
					throw new IllegalArgumentException("unknown argument '" + arg + "'");
				}
			}
			return quick
					? new Options(500, 100, 300, 5_000, 200, Duration.ofSeconds(3), Duration.ofSeconds(3),
							Duration.ofSeconds(5), Set.copyOf(measures), repository)
					: new Options(10_000, 100, 400, 100_000, 1_000, Duration.ofSeconds(45), Duration.ofSeconds(10),
							Duration.ofSeconds(30), Set.copyOf(measures), repository);
		}

		boolean includes(Measure measure) {
			return measures.contains(measure);
		}

		/** Whether the run measures everything: the run whose figures docs/benchmarks.md gives. */
		boolean whole() {
			return measures.containsAll(EnumSet.allOf(Measure.class));
		}

		/** Where the run writes its results: a whole run over the tracked ones, a run of some measures beside them. */
		Path results() {
			return repository.resolve(whole() ? "bench/results" : "bench/target/results");
		}
	}

	/** One figure of the table. */
	record Row(String measure, String value, String target, String verdict) {
	}

	public static void main(String[] args) throws Exception {
		Path repository = Path.of(System.getProperty("tandem.repository", ".")).toAbsolutePath().normalize();
		Options options;
		try {
			options = Options.of(args, repository);
		}
		catch (IllegalArgumentException ex) {
			System.err.println("bench: " + ex.getMessage());
			System.err.println(Options.USAGE);
			System.exit(2);
			return;
		}
		Files.createDirectories(options.results());
		if (!options.whole()) {
			// What an earlier run of some measures left there is not this run's: the chart and the propagation
			// timeline are written only by a run that measures them.
			for (String file : List.of("throughput.png", "propagation.csv")) {
				Files.deleteIfExists(options.results().resolve(file));
			}
		}
		Path data = Files.createTempDirectory("tandem-bench");
		Path log = options.results().resolve("services.log");
		Files.deleteIfExists(log);
		String javaOptions = System.getenv().getOrDefault("TANDEM_JAVA_OPTS",
				String.join(" ", LocalStack.DEFAULT_JAVA_OPTIONS));
		List<String> jvmOptions = List.of(javaOptions.trim().split("\\s+"));
		LocalStack.Settings settings = new LocalStack.Settings(data, LocalStack.freePort(), LocalStack.freePort(),
				LocalStack.freePort(), LocalStack.freePort(),
				LocalStack.jar(repository.resolve("identity-service/target")),
				LocalStack.jar(repository.resolve("profile-service/target")), jvmOptions,
				// Cheap password hashing for the benchmark only, so hashing cost does not hide the pipeline.
				Map.of("identity", List.of("--tandem.passwords.argon2.memory-kib=1024",
						"--tandem.passwords.argon2.iterations=1", "--tandem.admin.username=root",
						"--tandem.admin.email=root@bench.example", "--tandem.admin.password=" + PASSWORD,
						"--logging.level.root=WARN"), "profile", List.of("--logging.level.root=WARN",
						// The hourly drift check first runs 5 minutes after a start: a pass over every user and
						// profile that, landing in a measured run, stalled propagation for 5 s. Not in this run.
						"--tandem.reconciliation.initial-delay=2h")));
		System.out.println("Starting Tandem (data in " + data + ") ...");
		try (LocalStack stack = LocalStack.start(settings, line -> append(log, line))) {
			new Benchmark(options, stack, jvmOptions, log).run();
		}
		finally {
			LocalStack.deleteRecursively(data);
		}
	}

	private void run() throws Exception {
		// Warm-up: the JIT compiles the sign-up, import, relay and consumer paths before anything is measured. On two
		// cores, with the load on them too, it settles after some 20 000 users: a run at 100/s right after 6 000
		// measured a median five times the settled one (docs/benchmarks.md).
		if (options.includes(Measure.PROPAGATION)) {
			int warmUsers = options.latencyUsers() * 3 / 10;
			propagation(Arrival.SIGN_UP, 0, warmUsers, false);
			propagation(Arrival.IMPORT, 0, warmUsers * 6, false);
			propagation(Arrival.IMPORT, 0, options.latencyUsers(), true);
			propagation(Arrival.SIGN_UP, options.steadyRate(), options.latencyUsers(), true);
			propagation(Arrival.IMPORT, options.steadyRate(), options.latencyUsers(), true);
		}
		if (options.includes(Measure.BULK)) {
			// The bulk's paths (batches of a thousand lines, Kafka batches full, the consumer's largest) are not the
			// one-user imports': a first, smaller import lets the JIT compile them, as the other measures are warmed.
			// Without the propagation runs before it, it is not enough (docs/benchmarks.md, item 40).
			bulk(WARM_UP_ID_PREFIX, "warm-bulk", options.bulkUsers() / 5, Import.WARM_UP);
			bulk(BENCH_ID_PREFIX, "bulk", options.bulkUsers(), Import.MEASURED);
		}
		else if (options.includes(Measure.READS) || options.includes(Measure.WRITES)
				|| options.includes(Measure.FLOOR)) {
			bulk(BENCH_ID_PREFIX, "bulk", options.bulkUsers(), Import.USERS_ONLY);
		}
		if (options.includes(Measure.READS) || options.includes(Measure.WRITES)) {
			List<String> tokens = tokens();
			warmUp(tokens);
			for (int connections : options.includes(Measure.READS) ? new int[] { 32, 128 } : new int[0]) {
				reads(tokens, connections);
			}
			for (int connections : options.includes(Measure.WRITES) ? new int[] { 32, 128 } : new int[0]) {
				writes(tokens, connections);
			}
		}
		if (options.includes(Measure.MEMORY)) {
			memory();
		}
		// After the services' memory, which is read as their own load ends, and before their restarts.
		if (options.includes(Measure.FLOOR)) {
			floor();
		}
		if (options.includes(Measure.START_UP)) {
			startUp();
		}
		report();
	}

	/** What an import is for: the bulk's row, the import that warms the JIT before it, or the users the loads need. */
	enum Import {

		MEASURED, WARM_UP, USERS_ONLY
	}

	/**
	 * How the measured users come into being. The issue lets the pipeline be measured without the cost of hashing
	 * passwords: {@link #IMPORT} creates each user in an identity transaction of its own, with a password hash made
	 * beforehand, which is the pipeline alone. {@link #SIGN_UP} is the public registration, whose Argon2 hash (at the
	 * benchmark's cheap setting) and password-strength check share the two cores with the pipeline.
	 */
	enum Arrival {

		IMPORT("import", "one-user imports"), SIGN_UP("sign_up", "sign-ups");

		final String key;

		final String label;

		Arrival(String key, String label) {
			this.key = key;
			this.label = label;
		}
	}

	/**
	 * Users created one per request, paced at {@code rate} per second, or as fast as 16 clients at a time get answers
	 * when {@code rate} is 0; then the latency from each user's event (its identity transaction) to its profile row.
	 */
	private void propagation(Arrival arrival, int rate, int users, boolean measured) throws Exception {
		String name = rate == 0 ? "max" : String.valueOf(rate);
		String prefix = "p" + (++propagationRuns) + "-" + arrival.key.replace('_', '-') + "-" + name + "-";
		System.out.printf("Propagation: %d %s %s ...%n", users, arrival.label,
				rate == 0 ? "as fast as they go" : "at " + rate + "/s");
		String admin = arrival == Arrival.IMPORT ? login("root") : "";
		List<HttpRequest> requests = new ArrayList<>(users);
		for (int n = 1; n <= users; n++) {
			String username = prefix + n;
			String email = username + "@bench.example";
			requests.add(arrival == Arrival.IMPORT
					? importRequest(admin, JSON.writeValueAsString(
							Map.of("username", username, "email", email, "passwordHash", importedHash)) + "\n")
					: post(identity() + "/api/users", "application/json", JSON.writeValueAsString(
							Map.of("username", username, "email", email, "password", PASSWORD))));
		}
		AtomicInteger refused = new AtomicInteger();
		java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(rate == 0 ? 16 : 256);
		List<CompletableFuture<?>> answers = new ArrayList<>(users);
		long started = System.nanoTime();
		for (int n = 0; n < users; n++) {
			if (rate > 0) {
				long due = started + n * 1_000_000_000L / rate;
				long wait = due - System.nanoTime();
				if (wait > 0) {
					TimeUnit.NANOSECONDS.sleep(wait);
				}
			}
			inFlight.acquire();
			answers.add(HTTP.sendAsync(requests.get(n), HttpResponse.BodyHandlers.ofString()).whenComplete(
					(response, failure) -> {
						inFlight.release();
						if (failure != null || !created(arrival, response)) {
							refused.incrementAndGet();
						}
					}));
		}
		CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
		double achieved = users / ((System.nanoTime() - started) / 1e9);
		waitUntil(() -> count("profile", "select count(*) from profiles where username like '" + prefix + "%'")
				>= users - refused.get(), Duration.ofMinutes(5));
		if (!measured) {
			return;
		}
		Map<String, Instant> committed = new HashMap<>();
		query("identity", "select u.id::text, o.occurred_at from users u join outbox o on o.subject = u.id::text "
				+ "and o.event_type like '%.user.created.v1' where u.username like '" + prefix + "%'",
				rows -> committed.put(rows.getString(1), rows.getObject(2, java.time.OffsetDateTime.class).toInstant()));
		List<Propagated> propagated = new ArrayList<>();
		query("profile", "select user_id::text, created_at from profiles where username like '" + prefix + "%'",
				rows -> {
					Instant event = committed.get(rows.getString(1));
					if (event != null) {
						propagated.add(new Propagated(event, Duration.between(event,
								rows.getObject(2, java.time.OffsetDateTime.class).toInstant()).toNanos() / 1000));
					}
				});
		List<Long> latencies = propagated.stream().map(Propagated::micros).sorted().toList();
		double p50 = percentile(latencies, 50);
		double p95 = percentile(latencies, 95);
		double p99 = percentile(latencies, 99);
		double max = latencies.isEmpty() ? 0 : latencies.get(latencies.size() - 1) / 1000.0;
		String label = "propagation, " + arrival.label + " " + (rate == 0 ? "as fast as 16 clients go" : "at " + rate + "/s");
		boolean target = arrival == Arrival.IMPORT && rate == 100;
		// The row with the target comes first in the table, though it is measured last.
		rows.add(target ? 0 : rows.size(), new Row(label + " (achieved " + Math.round(achieved) + "/s, " + latencies.size() + " users, "
				+ refused.get() + " refused)", String.format(Locale.ROOT,
						"p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms", p50, p95, p99, max),
				target ? "p50 <= 5 ms, p99 <= 25 ms" : rate == 0 ? "(the highest rate)" : "(with hashing)",
				// Met only when every user was created and measured: an empty list has percentiles of 0.
				target ? verdict(refused.get() == 0 && latencies.size() == users && p50 <= 5 && p99 <= 25
						&& achieved >= 95) : "-"));
		if (target) {
			timeline(propagated);
		}
		String key = "propagation_" + arrival.key + "_" + name;
		csv(key + "_p50_ms", p50);
		csv(key + "_p95_ms", p95);
		csv(key + "_p99_ms", p99);
		csv(key + "_max_ms", max);
		csv(key + "_achieved_per_s", achieved);
	}

	/** One user's way from its identity transaction to its profile row. */
	record Propagated(Instant event, long micros) {
	}

	/**
	 * Every user of the row with the target in the order of their events (the time identity-service gave each inside
	 * the user's transaction), with their latency: where the slowest ones fall in the phase (together, or spread out)
	 * is what a look at the tail starts from.
	 */
	private void timeline(List<Propagated> propagated) throws IOException {
		List<Propagated> inOrder = propagated.stream().sorted(Comparator.comparing(Propagated::event)).toList();
		StringBuilder csv = new StringBuilder("event_at,seconds_after_first,latency_ms\n");
		for (Propagated user : inOrder) {
			csv.append(user.event()).append(',')
				.append(String.format(Locale.ROOT, "%.3f,%.3f", Duration.between(inOrder.get(0).event(), user.event())
					.toNanos() / 1e9, user.micros() / 1000.0))
				.append('\n');
		}
		Files.writeString(options.results().resolve("propagation.csv"), csv);
	}

	/** Whether the request created its user: a 201 for a sign-up, a report of one created user for an import. */
	private static boolean created(Arrival arrival, HttpResponse<String> response) {
		if (arrival == Arrival.SIGN_UP) {
			return response.statusCode() == 201;
		}
		return response.statusCode() == 200 && JSON.readTree(response.body()).path("created").asInt() == 1;
	}

	/**
	 * One NDJSON import of many users; seconds until the last profile exists, and the CPU time each part of the
	 * system used meanwhile.
	 *
	 * @param idPrefix the first 24 characters of the users' ids, which end in their number
	 * @param kind whether it is the row with the target, an import that warms the JIT first, or only the users of
	 *        the reads and writes (no row)
	 */
	private void bulk(String idPrefix, String name, int users, Import kind) throws Exception {
		boolean measured = kind == Import.MEASURED;
		System.out.printf("Bulk: importing %d users%s ...%n", users, switch (kind) {
			case MEASURED -> "";
			case WARM_UP -> " to warm the JIT";
			case USERS_ONLY -> " for the reads and writes (not measured)";
		});
		StringBuilder ndjson = new StringBuilder(users * 160);
		for (int n = 1; n <= users; n++) {
			ndjson.append("{\"id\":\"").append(benchId(idPrefix, n)).append("\",\"username\":\"").append(name)
				.append('-').append(n).append("\",\"email\":\"").append(name).append('-').append(n)
				.append("@bench.example\",\"passwordHash\":\"").append(importedHash).append("\"}\n");
		}
		String admin = login("root");
		// What the run before left (the profiles' own events, on their way to Kafka) is not this import's work.
		waitUntil(() -> count("identity", "select count(*) from outbox_pending") == 0
				&& count("profile", "select count(*) from outbox_pending") == 0, Duration.ofMinutes(5));
		Map<String, CpuTime> servicesBefore = servicesCpu();
		Duration postgresBefore = CpuTime.postgres();
		long started = System.nanoTime();
		HttpResponse<String> imported = HTTP.send(importRequest(admin, ndjson.toString()),
				HttpResponse.BodyHandlers.ofString());
		double importSeconds = (System.nanoTime() - started) / 1e9;
		if (imported.statusCode() != 200) {
			throw new IllegalStateException("the import failed: " + imported.body());
		}
		waitForProfiles(idPrefix, users, Duration.ofMinutes(15));
		double seconds = (System.nanoTime() - started) / 1e9;
		if (kind == Import.USERS_ONLY) {
			return;
		}
		Map<String, CpuTime> services = servicesCpu();
		services.replaceAll((service, now) -> now.minus(servicesBefore.get(service)));
		double postgres = seconds(CpuTime.postgres().minus(postgresBefore));
		String label = measured ? "bulk: " + users + " users in one NDJSON request"
				: "bulk, first import: " + users + " users, which warms the JIT for the row below";
		CpuTime identity = services.get("identity");
		CpuTime profile = services.get("profile");
		rows.add(new Row(label + String.format(Locale.ROOT, " (import answered after %.1f s; CPU meanwhile: "
				+ "identity-service %.1f s, %.1f of them compiling, %.1f collecting; profile-service %.1f s, %.1f "
				+ "compiling, %.1f collecting; PostgreSQL %.1f s)", importSeconds, seconds(identity.total()),
				seconds(identity.compilers()), seconds(identity.collector()), seconds(profile.total()),
				seconds(profile.compilers()), seconds(profile.collector()), postgres),
				String.format(Locale.ROOT, "every profile after %.1f s, %.0f users/s", seconds, users / seconds),
				measured ? ">= 10 000 users/s" : "-", measured ? verdict(users / seconds >= 10_000) : "-"));
		String key = measured ? "bulk" : "bulk_first";
		csv(key + "_import_seconds", importSeconds);
		csv(key + "_all_profiles_seconds", seconds);
		csv(key + "_users_per_s", users / seconds);
		for (String service : List.of("identity", "profile")) {
			csv(key + "_" + service + "_cpu_s", seconds(services.get(service).total()));
			csv(key + "_" + service + "_compiler_cpu_s", seconds(services.get(service).compilers()));
			csv(key + "_" + service + "_collector_cpu_s", seconds(services.get(service).collector()));
		}
		csv(key + "_postgres_cpu_s", postgres);
	}

	private Map<String, CpuTime> servicesCpu() throws IOException {
		Map<String, CpuTime> cpu = new HashMap<>();
		for (String service : List.of("identity", "profile")) {
			cpu.put(service, CpuTime.of(stack.service(service).pid()));
		}
		return cpu;
	}

	private static double seconds(Duration duration) {
		return duration.toNanos() / 1e9;
	}

	/** Valid access tokens of many bulk users, signed with identity-service's key as its token endpoint would. */
	private List<String> tokens() throws Exception {
		JsonNode jwks = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(identity() + "/oauth2/jwks")).build(),
				HttpResponse.BodyHandlers.ofString()).body());
		String keyId = jwks.path("keys").path(0).path("kid").asString();
		String pem = Files.readString(stack.dataDirectory().resolve("keys/token-signing-key.pem"));
		byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
		KeyFactory rsa = KeyFactory.getInstance("RSA");
		RSAPrivateCrtKey privateKey = (RSAPrivateCrtKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(der));
		RSAPublicKey publicKey = (RSAPublicKey) rsa.generatePublic(
				new RSAPublicKeySpec(privateKey.getModulus(), privateKey.getPublicExponent()));
		NimbusJwtEncoder encoder = new NimbusJwtEncoder(new ImmutableJWKSet<>(
				new JWKSet(new RSAKey.Builder(publicKey).privateKey(privateKey).keyID(keyId).build())));
		List<String> tokens = new ArrayList<>();
		Instant now = Instant.now();
		for (int n = 1; n <= options.tokenUsers(); n++) {
			JwtClaimsSet claims = JwtClaimsSet.builder()
				.issuer("http://localhost:" + stack.service("identity").port())
				.audience(List.of("tandem"))
				.subject(benchId(n).toString())
				.issuedAt(now)
				.expiresAt(now.plus(Duration.ofHours(2)))
				.claim("scope", "profile")
				.claim("roles", List.of())
				.build();
			tokens.add(encoder.encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).keyId(keyId)
				.build(), claims)).getTokenValue());
		}
		return tokens;
	}

	/**
	 * Reads and writes, unmeasured, until the JIT has compiled their paths: measured right away, the first of the
	 * four runs gave a third of its settled rate.
	 */
	private void warmUp(List<String> tokens) throws Exception {
		boolean reads = options.includes(Measure.READS);
		boolean writes = options.includes(Measure.WRITES);
		System.out.printf("Warming up %s for %d s ...%n", reads && writes ? "reads and writes" : reads ? "reads" : "writes",
				options.jitWarmUp().toSeconds() * ((reads ? 1 : 0) + (writes ? 1 : 0)));
		if (reads) {
			Load.run("warm-up reads", profile(), 64, Duration.ZERO, options.jitWarmUp(), "GET", tokens);
		}
		if (writes) {
			Load.run("warm-up writes", profile(), 64, Duration.ZERO, options.jitWarmUp(), "PATCH", tokens);
		}
	}

	private void reads(List<String> tokens, int connections) throws Exception {
		System.out.printf("Reads at %d connections ...%n", connections);
		Load.Result service = Load.run("GET /api/profiles/me", profile(), connections, options.warmUp(),
				options.measured(), "GET", tokens);
		double database = pgbench("select", connections);
		loads.add(service);
		double ratio = service.requestsPerSecond() / database;
		rows.add(new Row("reads, " + connections + " connections (" + service.errors() + " errors)",
				figure(service, database),
				connections == 32 ? ">= 40 % of pgbench, p99 <= 20 ms" : ">= 40 % of pgbench",
				verdict(ratio >= 0.4 && service.errors() == 0 && (connections != 32 || service.p99Millis() <= 20))));
		csv("reads_" + connections + "_per_s", service.requestsPerSecond());
		csv("reads_" + connections + "_p50_ms", service.p50Millis());
		csv("reads_" + connections + "_p99_ms", service.p99Millis());
		csv("reads_" + connections + "_errors", service.errors());
		csv("pgbench_select_" + connections + "_tps", database);
	}

	private void writes(List<String> tokens, int connections) throws Exception {
		System.out.printf("Writes at %d connections ...%n", connections);
		Load.Result service = Load.run("PATCH /api/profiles/me", profile(), connections, options.warmUp(),
				options.measured(), "PATCH", tokens);
		double database = pgbench("update", connections);
		loads.add(service);
		double ratio = service.requestsPerSecond() / database;
		rows.add(new Row("writes, " + connections + " connections (" + service.errors() + " errors)",
				figure(service, database),
				">= 30 % of pgbench", verdict(ratio >= 0.3 && service.errors() == 0)));
		csv("writes_" + connections + "_per_s", service.requestsPerSecond());
		csv("writes_" + connections + "_p99_ms", service.p99Millis());
		csv("writes_" + connections + "_errors", service.errors());
		csv("pgbench_update_" + connections + "_tps", database);
	}

	/**
	 * The stack alone: bench-floor, the same reads and writes as one statement each through the services' own web
	 * and database stack (Spring Boot WebFlux, Spring Data R2DBC, r2dbc-postgresql, the same pool) with nothing else:
	 * no token (its bearer is the user id), no security filters, no metrics, no schema, no event. Started as the
	 * services are, with their JVM options but no ahead-of-time cache (only its start would differ), warmed up as they
	 * are, and loaded by the same wrk script next to pgbench at the same concurrency. What it reaches next to pgbench
	 * is the stack's share; the service's rate next to its rate is what the service's own work leaves.
	 */
	private void floor() throws Exception {
		PostgresServer.Database database = stack.postgres().database("profile");
		List<String> userIds = IntStream.rangeClosed(1, options.tokenUsers())
			.mapToObj(n -> benchId(n).toString())
			.toList();
		try (ServiceProcess floor = ServiceProcess.start("floor",
				LocalStack.jar(options.repository().resolve("bench-floor/target")), LocalStack.freePort(), jvmOptions,
				List.of("--spring.r2dbc.url=r2dbc:postgresql://127.0.0.1:" + stack.postgres().port() + "/"
						+ database.name(), "--spring.r2dbc.username=" + database.username(),
						"--spring.r2dbc.password=" + database.password()),
				line -> append(log, "floor    | " + line))) {
			floor.awaitReady(Duration.ofSeconds(60));
			System.out.printf("Warming up the stack alone (bench-floor) for %d s ...%n",
					options.jitWarmUp().toSeconds() * 2);
			Load.run("warm-up floor reads", floor.baseUrl(), 64, Duration.ZERO, options.jitWarmUp(), "GET", userIds);
			Load.run("warm-up floor writes", floor.baseUrl(), 64, Duration.ZERO, options.jitWarmUp(), "PATCH", userIds);
			for (String kind : List.of("reads", "writes")) {
				for (int connections : new int[] { 32, 128 }) {
					System.out.printf("The stack alone, %s at %d connections ...%n", kind, connections);
					boolean reads = kind.equals("reads");
					Load.Result alone = Load.run(kind + " alone", floor.baseUrl(), connections, options.warmUp(),
							options.measured(), reads ? "GET" : "PATCH", userIds);
					String statement = reads ? "select" : "update";
					double limit = pgbench(statement, connections);
					Load.@Nullable Result service = loads.stream()
						.filter(load -> load.connections() == connections
								&& load.name().startsWith(reads ? "GET" : "PATCH"))
						.findFirst()
						.orElse(null);
					rows.add(new Row(kind + ", the stack alone (bench-floor), " + connections + " connections ("
							+ alone.errors() + " errors)",
							figure(alone, limit) + (service == null ? ""
									: String.format(Locale.ROOT, "; the service %.0f %% of it",
											service.requestsPerSecond() / alone.requestsPerSecond() * 100)),
							"(the stack's own share)", "-"));
					floorRates.put((reads ? "read " : "write ") + connections, alone.requestsPerSecond());
					csv("floor_" + kind + "_" + connections + "_per_s", alone.requestsPerSecond());
					csv("floor_" + kind + "_" + connections + "_p99_ms", alone.p99Millis());
					csv("floor_" + kind + "_" + connections + "_errors", alone.errors());
				}
			}
		}
	}

	/** A load's figures next to pgbench's rate for the same statement and concurrency. */
	private static String figure(Load.Result load, double pgbenchRate) {
		return String.format(Locale.ROOT, "%.0f req/s, p50 %.1f ms, p99 %.1f ms; pgbench %.0f tps; ratio %.0f %%",
				load.requestsPerSecond(), load.p50Millis(), load.p99Millis(), pgbenchRate,
				load.requestsPerSecond() / pgbenchRate * 100);
	}

	/**
	 * pgbench on the profile database: the same statement, prepared, at the same concurrency; run once per statement
	 * and concurrency, so the service and the stack alone are set against the same figure.
	 */
	private double pgbench(String name, int connections) throws Exception {
		Double measured = pgbench.get(name + " " + connections);
		if (measured != null) {
			return measured;
		}
		String statement = PGBENCH_STATEMENTS.get(name);
		Path script = Files.createTempFile("pgbench-" + name, ".sql");
		String output;
		try {
			Files.writeString(script, "\\set n random(1, " + options.bulkUsers() + ")\n" + statement + "\n");
			PostgresServer.Database database = stack.postgres().database("profile");
			ProcessBuilder command = new ProcessBuilder("pgbench", "-h", "127.0.0.1", "-p",
					String.valueOf(stack.postgres().port()), "-U", database.username(), "-n", "-M", "prepared", "-c",
					String.valueOf(connections), "-j", "2", "-T", String.valueOf(options.measured().toSeconds()),
					"-f", script.toString(), database.name()).redirectErrorStream(true);
			command.environment().put("PGPASSWORD", database.password());
			Process process = command.start();
			output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			process.waitFor();
		}
		finally {
			Files.deleteIfExists(script);
		}
		Matcher tps = Pattern.compile("tps = ([0-9.]+)").matcher(output);
		if (!tps.find()) {
			throw new IllegalStateException("pgbench gave no figure:\n" + output);
		}
		double figure = Double.parseDouble(tps.group(1));
		pgbench.put(name + " " + connections, figure);
		return figure;
	}

	/**
	 * Resident memory of each service right after the load, and once it has been idle for 15 s: long enough for the
	 * periodic collection of an idle service (every 5 s) to give the heap the load grew back. The target is for the
	 * latter, the memory a service holds between loads. Beside the whole, its two kinds of pages: those mapped from
	 * files (the class-data cache, the JVM's libraries), which stay as the start mapped them, and the anonymous ones
	 * (the heaps, compiled code, stacks), which the load moves.
	 */
	private void memory() throws IOException, InterruptedException {
		// A run of memory alone measures services that had no load: a figure, but not the one the target is for. The
		// floor's run imports the bulk's users before it.
		boolean loaded = options.includes(Measure.PROPAGATION) || options.includes(Measure.BULK)
				|| options.includes(Measure.READS) || options.includes(Measure.WRITES)
				|| options.includes(Measure.FLOOR);
		Map<String, Resident> afterLoad = new HashMap<>();
		for (String name : List.of("identity", "profile")) {
			afterLoad.put(name, Resident.of(stack.service(name).pid()));
		}
		Thread.sleep(15_000);
		for (String name : List.of("identity", "profile")) {
			Resident idle = Resident.of(stack.service(name).pid());
			Resident ended = afterLoad.get(name);
			String parts = String.format(Locale.ROOT, "anonymous %.0f, from files %.0f", idle.anonymousMib(),
					idle.fileMib());
			rows.add(new Row(name + "-service resident memory " + (loaded ? "after the run" : "with no load before it"),
					String.format(Locale.ROOT,
							loaded ? "%.0f MiB 15 s after the load (%s; %.0f MiB as it ended: anonymous %.0f)"
									: "%.0f MiB (%s; %.0f MiB 15 s before: anonymous %.0f)",
							idle.totalMib(), parts, ended.totalMib(), ended.anonymousMib()),
					"< 300 MB", loaded ? verdict(idle.totalMib() * 1.048576 < 300) : "-"));
			// As in earlier runs, the figure as the load ended; and the settled one.
			csv(name + "_rss_mib", ended.totalMib());
			csv(name + "_rss_idle_15s_mib", idle.totalMib());
			csv(name + "_rss_anonymous_idle_15s_mib", idle.anonymousMib());
			csv(name + "_rss_file_idle_15s_mib", idle.fileMib());
		}
	}

	/**
	 * A process's resident memory, from {@code /proc/<pid>/status}, in MiB: the whole and its kinds of pages. Shared
	 * memory (files of a memory file system; none with the services' options) counts with the pages from files.
	 */
	record Resident(double totalMib, double anonymousMib, double fileMib) {

		static Resident of(long pid) throws IOException {
			Map<String, Double> mib = new HashMap<>();
			for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
				if (line.startsWith("VmRSS:") || line.startsWith("Rss")) {
					long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
					mib.put(line.substring(0, line.indexOf(':')), kib / 1024.0);
				}
			}
			return new Resident(field(mib, "VmRSS"), field(mib, "RssAnon"),
					field(mib, "RssFile") + field(mib, "RssShmem"));
		}

		private static double field(Map<String, Double> mib, String name) {
			Double value = mib.get(name);
			if (value == null) {
				throw new IllegalStateException("/proc/<pid>/status has no " + name + " (Linux 4.5 or later has it)");
			}
			return value;
		}
	}

	/**
	 * Each service started again on its own, to ready ({@code /readyz}), three times: one start is one sample of a
	 * machine whose speed drifts (docs/benchmarks.md), so the median is the figure, and the three starts are printed
	 * beside it. Each start waits until the cores are at rest, so that the previous start's JIT, still compiling for
	 * seconds after it was ready, does not count against the next.
	 */
	private void startUp() throws Exception {
		for (String name : List.of("identity", "profile")) {
			List<Double> starts = new ArrayList<>();
			int busy = 0;
			for (int start = 0; start < STARTS; start++) {
				stack.service(name).close();
				if (!awaitRest()) {
					busy++;
				}
				starts.add(stack.startService(name).awaitReady(Duration.ofMinutes(2)).toMillis() / 1000.0);
			}
			List<Double> sorted = starts.stream().sorted().toList();
			double median = sorted.get(sorted.size() / 2);
			rows.add(new Row(name + "-service start-up to ready (median of " + STARTS + " starts)",
					String.format(Locale.ROOT, "%.1f s (starts: %s%s)", median,
							starts.stream().map(seconds -> String.format(Locale.ROOT, "%.1f", seconds))
								.collect(Collectors.joining(", ", "", " s")),
							busy == 0 ? "" : "; " + busy + " of them on cores that were not at rest"),
					"<= 5 s", verdict(median <= 5)));
			csv(name + "_startup_s", median);
			csv(name + "_startup_slowest_s", sorted.get(sorted.size() - 1));
			csv(name + "_startup_on_busy_cores", busy);
		}
	}

	/**
	 * Waits until the whole machine uses less than a tenth of a core over a second (the Kafka broker and PostgreSQL
	 * idle, no JIT compiling), for at most 30 s; answers whether it got there, and says so if not.
	 */
	private static boolean awaitRest() throws IOException, InterruptedException {
		long started = System.nanoTime();
		double busy;
		while ((busy = CpuTime.busyCores(Duration.ofSeconds(1))) >= 0.1) {
			if (System.nanoTime() - started > Duration.ofSeconds(30).toNanos()) {
				System.out.printf(Locale.ROOT, "The cores were still busy (%.2f cores) after 30 s; starting anyway%n",
						busy);
				return false;
			}
		}
		return true;
	}

	private void report() throws IOException {
		StringBuilder table = new StringBuilder();
		table.append(String.format("%n| %-74s | %-78s | %-32s | %-4s |%n", "measure", "figure", "target", ""));
		table.append("|").append("-".repeat(76)).append("|").append("-".repeat(80)).append("|").append("-".repeat(34))
			.append("|------|\n");
		for (Row row : rows) {
			table.append(String.format("| %-74s | %-78s | %-32s | %-4s |%n", row.measure(), row.value(), row.target(),
					row.verdict()));
		}
		String machine = Runtime.getRuntime().availableProcessors() + " cores, "
				+ Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB max heap for the runner, services on Java "
				+ ServiceJava.CHOSEN.version() + ", " + System.getProperty("os.name") + " "
				+ System.getProperty("os.arch");
		table.append("\n").append(LocalDateTime.now().withNano(0)).append(", ").append(machine).append('\n');
		if (!options.whole()) {
			table.append("A run of some measures only: ")
				.append(options.measures().stream().sorted().map(measure -> measure.argument)
					.collect(Collectors.joining(", ")))
				.append('\n');
		}
		System.out.println(table);
		Files.writeString(options.results().resolve("results.md"), table.toString());
		Files.writeString(options.results().resolve("results.csv"), "measure,value\n" + String.join("\n", csvLines)
				+ "\n");
		String written = "Written: " + options.results().resolve("results.md") + ", results.csv"
				+ (options.includes(Measure.PROPAGATION) ? ", propagation.csv" : "");
		if (loads.size() < 4) {
			System.out.println(written);
			return;
		}
		CategoryChart chart = new CategoryChartBuilder().width(900).height(500)
			.title("Profile reads and writes next to pgbench (same statement, same database)")
			.xAxisTitle("scenario")
			.yAxisTitle("requests / transactions per second")
			.build();
		List<String> scenarios = List.of("read 32", "read 128", "write 32", "write 128");
		chart.addSeries("profile-service", scenarios, loads.stream().map(Load.Result::requestsPerSecond).toList());
		chart.addSeries("pgbench", scenarios, List.of(pgbench.get("select 32"), pgbench.get("select 128"),
				pgbench.get("update 32"), pgbench.get("update 128")));
		if (floorRates.size() == scenarios.size()) {
			chart.addSeries("the stack alone (bench-floor)", scenarios, scenarios.stream().map(floorRates::get).toList());
		}
		BitmapEncoder.saveBitmap(chart, options.results().resolve("throughput.png").toString(),
				BitmapEncoder.BitmapFormat.PNG);
		System.out.println(written + ", throughput.png");
	}

	private final List<String> csvLines = new ArrayList<>();

	private void csv(String measure, double value) {
		csvLines.add(measure + "," + String.format(Locale.ROOT, "%.3f", value));
	}

	private static String verdict(boolean met) {
		return met ? "met" : "MISS";
	}

	static UUID benchId(int n) {
		return benchId(BENCH_ID_PREFIX, n);
	}

	private static UUID benchId(String prefix, int n) {
		return UUID.fromString(prefix + String.format("%012x", n));
	}

	private String login(String username) throws Exception {
		HttpResponse<String> response = HTTP.send(post(identity() + "/oauth2/token",
				"application/x-www-form-urlencoded", "grant_type=password&username=" + username + "&password="
						+ java.net.URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8)), HttpResponse.BodyHandlers.ofString());
		return JSON.readTree(response.body()).get("access_token").asString();
	}

	/** An admin's NDJSON import of the users in {@code ndjson}. */
	private HttpRequest importRequest(String adminToken, String ndjson) {
		return HttpRequest.newBuilder(URI.create(identity() + "/api/admin/users/import"))
			.header("Authorization", "Bearer " + adminToken)
			.header("Content-Type", "application/x-ndjson")
			.timeout(Duration.ofMinutes(10))
			.POST(HttpRequest.BodyPublishers.ofString(ndjson))
			.build();
	}

	private static HttpRequest post(String url, String type, String body) {
		return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", type)
			.POST(HttpRequest.BodyPublishers.ofString(body)).build();
	}

	/**
	 * Waits until each of the users numbered 1 to {@code users} has a profile. The runner's own queries take CPU from
	 * the pipeline it measures, on the same two cores: a count of all 100 000 profiles took PostgreSQL 18 to 26 ms
	 * while profile-service was still writing, ten times a second, and a new connection each time added a backend's
	 * start (item 42). So it counts over one connection, in ranges of 1 000 ids, and stops counting a range once every
	 * profile of it is there: over the whole wait that is about one count of all of them, not one per poll.
	 */
	private void waitForProfiles(String idPrefix, int users, Duration timeout) throws Exception {
		// The ranges still counted, by their first id.
		Map<UUID, IdRange> incomplete = new HashMap<>();
		for (int first = 1; first <= users; first += 1_000) {
			IdRange range = new IdRange(benchId(idPrefix, first), benchId(idPrefix, Math.min(first + 999, users)),
					Math.min(1_000, users - first + 1));
			incomplete.put(range.first(), range);
		}
		PostgresServer.Database db = stack.postgres().database("profile");
		try (Connection connection = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
				PreparedStatement counts = connection.prepareStatement("""
						select r.first, count(p.user_id)
						from unnest(?::uuid[], ?::uuid[]) as r(first, last)
						left join profiles p on p.user_id between r.first and r.last
						group by r.first""")) {
			waitUntil(() -> {
				counts.setArray(1, connection.createArrayOf("uuid", incomplete.keySet().toArray()));
				counts.setArray(2, connection.createArrayOf("uuid",
						incomplete.values().stream().map(IdRange::last).toArray()));
				try (ResultSet rows = counts.executeQuery()) {
					while (rows.next()) {
						UUID first = rows.getObject(1, UUID.class);
						if (rows.getLong(2) == incomplete.get(first).users()) {
							incomplete.remove(first);
						}
					}
				}
				return incomplete.isEmpty();
			}, timeout);
		}
	}

	/** Users' ids from {@code first} to {@code last}, {@code users} of them. */
	private record IdRange(UUID first, UUID last, int users) {
	}

	private String identity() {
		return stack.service("identity").baseUrl();
	}

	private String profile() {
		return stack.service("profile").baseUrl();
	}

	private long count(String database, String sql) throws Exception {
		long[] found = new long[1];
		query(database, sql, rows -> found[0] = rows.getLong(1));
		return found[0];
	}

	private void query(String database, String sql, RowHandler handler) throws Exception {
		PostgresServer.Database db = stack.postgres().database(database);
		try (Connection connection = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
				Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
			while (rows.next()) {
				handler.accept(rows);
			}
		}
	}

	interface RowHandler {

		void accept(ResultSet rows) throws Exception;
	}

	interface Condition {

		boolean holds() throws Exception;
	}

	private static void waitUntil(Condition condition, Duration timeout) throws Exception {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.holds()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("not reached within " + timeout);
			}
			Thread.sleep(100);
		}
	}

	private static double percentile(List<Long> sortedMicros, double percentile) {
		if (sortedMicros.isEmpty()) {
			return 0;
		}
		int index = (int) Math.ceil(percentile / 100 * sortedMicros.size()) - 1;
		return sortedMicros.get(Math.max(0, Math.min(index, sortedMicros.size() - 1))) / 1000.0;
	}

	private static synchronized void append(Path log, String line) {
		try {
			Files.writeString(log, line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			// the log is a convenience
		}
	}
}
