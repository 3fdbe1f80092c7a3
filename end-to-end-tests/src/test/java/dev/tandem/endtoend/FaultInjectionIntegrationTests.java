package dev.tandem.endtoend;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.tandem.events.user.UserCreated;
import dev.tandem.events.user.UserEvents;
import io.cloudevents.CloudEvent;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The promise, under the faults that break it elsewhere: every live user has exactly one profile, and no profile
 * outlives its user. Each test injects one fault into the running system and prints its figures.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultInjectionIntegrationTests {

	/** The status recorded for a request that got no HTTP answer at all. */
	private static final int NO_ANSWER = -1;

	private static RunningTandem tandem;

	@BeforeAll
	static void start() throws Exception {
		tandem = RunningTandem.start("faults");
	}

	@AfterAll
	static void stop() throws Exception {
		if (tandem != null) {
			tandem.close();
		}
	}

	@Test
	@Order(1)
	void profileServiceKilledWhileConsumingLeavesExactlyOneProfilePerUser() throws Exception {
		String prefix = "crash-";
		int users = 10_000;
		tandem.stack().service("profile").kill();
		produce(prefix, users);
		long started = System.nanoTime();
		// Small batches, so the kill lands while most events are still to be applied.
		tandem.stack().startService("profile", List.of("--spring.kafka.consumer.max-poll-records=50"));
		await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
			.until(() -> tandem.profileCount(prefix) >= 500);
		tandem.stack().service("profile").kill();
		long atKill = tandem.profileCount(prefix);
		tandem.stack().startService("profile").awaitReady(Duration.ofSeconds(120));

		await().atMost(Duration.ofSeconds(180)).until(() -> tandem.profileCount(prefix) == users);
		long[] profiles = tandem.profiles(prefix);
		report(1, "profile-service killed (SIGKILL) mid-consumption", users, profiles, started,
				"profiles at the kill " + atKill);
		assertThat(atKill).as("the kill landed mid-consumption").isLessThan(users);
		assertThat(profiles[0]).isEqualTo(users);
		assertThat(profiles[1]).isEqualTo(users);
	}

	@Test
	@Order(2)
	void registrationsWhileTheBrokerIsDownAllBecomeProfilesWhenItIsBack() throws Exception {
		String prefix = "brokerdown-";
		int users = 1000;
		long started = System.nanoTime();
		tandem.stack().stopKafka();

		List<Integer> statuses = parallel(IntStream.range(0, users)
			.mapToObj(i -> (Callable<Integer>) () -> tandem.register(prefix + i).statusCode())
			.toList());
		long waiting = tandem.unpublishedEvents();
		tandem.stack().startKafka();

		await().atMost(Duration.ofSeconds(180)).until(() -> tandem.profileCount(prefix) == users);
		long[] profiles = tandem.profiles(prefix);
		report(2, "Kafka stopped during 1000 registrations", users, profiles, started,
				"events waiting in the outbox while the broker was down " + waiting);
		assertThat(statuses).hasSize(users).containsOnly(201);
		assertThat(waiting).isGreaterThanOrEqualTo(users);
		assertThat(profiles[1]).isEqualTo(users);
	}

	@Test
	@Order(3)
	void identityServiceKilledBetweenCommitAndPublishLosesNoEvent() throws Exception {
		String prefix = "relaykill-";
		int users = 200;
		long started = System.nanoTime();
		tandem.stack().service("identity").kill();
		// The relay held back: every registration commits, and none is published before the crash.
		tandem.stack().startService("identity", List.of("--tandem.outbox.relay-enabled=false"))
			.awaitReady(Duration.ofSeconds(120));
		List<Integer> statuses = parallel(IntStream.range(0, users)
			.mapToObj(i -> (Callable<Integer>) () -> tandem.register(prefix + i).statusCode())
			.toList());
		long waiting = tandem.unpublishedEvents();
		tandem.stack().service("identity").kill();
		tandem.stack().startService("identity").awaitReady(Duration.ofSeconds(120));

		await().atMost(Duration.ofSeconds(120)).until(() -> tandem.profileCount(prefix) == users);
		long[] profiles = tandem.profiles(prefix);
		report(3, "identity-service killed (SIGKILL) between commit and publish", users, profiles, started,
				"committed but unpublished at the kill " + waiting);
		assertThat(statuses).containsOnly(201);
		assertThat(waiting).isGreaterThanOrEqualTo(users);
		assertThat(profiles[1]).isEqualTo(users);
	}

	@Test
	@Order(4)
	void theDatabaseStoppedForThirtySecondsUnderAStreamOfEventsLosesNothing() throws Exception {
		String prefix = "dbdown-";
		AtomicLong produced = new AtomicLong();
		AtomicBoolean producing = new AtomicBoolean(true);
		long started = System.nanoTime();
		ScheduledExecutorService faults = Executors.newScheduledThreadPool(2);
		try (KafkaProducer<String, CloudEvent> producer = tandem.producer()) {
			faults.scheduleAtFixedRate(() -> {
				if (producing.get()) {
					producer.send(RunningTandem.userCreated(prefix + produced.getAndIncrement()));
				}
			}, 0, 20, TimeUnit.MILLISECONDS);
			faults.schedule(() -> {
				tandem.stack().stopPostgres();
				return null;
			}, 2, TimeUnit.SECONDS).get();
			faults.schedule(() -> {
				tandem.stack().startPostgres();
				return null;
			}, 30, TimeUnit.SECONDS).get();
			faults.schedule(() -> producing.set(false), 3, TimeUnit.SECONDS).get();
			producer.flush();
		}
		finally {
			faults.shutdownNow();
		}

		long events = produced.get();
		await().atMost(Duration.ofSeconds(180)).until(() -> tandem.profileCount(prefix) == events);
		long[] profiles = tandem.profiles(prefix);
		report(4, "PostgreSQL stopped for 30 s under a stream of events", events, profiles, started, "");
		assertThat(events).isGreaterThan(1000);
		assertThat(profiles[1]).isEqualTo(events);
	}

	@Test
	@Order(5)
	void aPoisonMessageGoesToTheDeadLetterTopicAndEveryGoodOneBecomesAProfile() throws Exception {
		String prefix = "poison-";
		long started = System.nanoTime();
		String poisonKey = "poison-" + UUID.randomUUID();
		try (KafkaProducer<String, CloudEvent> producer = tandem.producer();
				KafkaProducer<String, byte[]> raw = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
						tandem.stack().kafka().bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
			for (int i = 0; i < 100; i++) {
				producer.send(RunningTandem.userCreated(prefix + "a" + i));
			}
			producer.flush();
			ProducerRecord<String, byte[]> poison = new ProducerRecord<>(UserEvents.TOPIC, poisonKey,
					"{\"userId\": 42}".getBytes(StandardCharsets.UTF_8));
			poison.headers().add("ce_specversion", bytes("1.0")).add("ce_id", bytes(UUID.randomUUID().toString()))
				.add("ce_type", bytes(UserCreated.TYPE)).add("ce_source", bytes("/test"))
				.add("content-type", bytes("application/json"));
			raw.send(poison).get();
			for (int i = 0; i < 100; i++) {
				producer.send(RunningTandem.userCreated(prefix + "b" + i));
			}
		}

		await().atMost(Duration.ofSeconds(60)).until(() -> tandem.profileCount(prefix) == 200);
		List<ConsumerRecord<String, byte[]>> dead = read(UserEvents.TOPIC + ".DLT", Set.of(poisonKey), 1);
		long[] profiles = tandem.profiles(prefix);
		report(5, "a poison message among 200 good ones", 200, profiles, started,
				"dead-lettered " + dead.size());
		assertThat(profiles[1]).isEqualTo(200);
		assertThat(dead).singleElement().satisfies(record -> assertThat(
				new String(record.headers().lastHeader("kafka_dlt-exception-message").value(), StandardCharsets.UTF_8))
			.isNotBlank());
	}

	@Test
	@Order(6)
	void theSameEventsDeliveredTwiceChangeNothing() throws Exception {
		String prefix = "replay-";
		long started = System.nanoTime();
		Set<String> keys = new HashSet<>();
		try (KafkaProducer<String, CloudEvent> producer = tandem.producer()) {
			for (int i = 0; i < 500; i++) {
				ProducerRecord<String, CloudEvent> record = RunningTandem.userCreated(prefix + i);
				keys.add(record.key());
				producer.send(record);
			}
		}
		await().atMost(Duration.ofSeconds(60)).until(() -> tandem.profileCount(prefix) == 500);
		String before = tandem.fingerprint(prefix);

		// Replay that range of the topic: the same records, byte for byte, headers and all.
		List<ConsumerRecord<String, byte[]>> range = read(UserEvents.TOPIC, keys, keys.size());
		try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
				tandem.stack().kafka().bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
			for (ConsumerRecord<String, byte[]> record : range) {
				ProducerRecord<String, byte[]> again = new ProducerRecord<>(record.topic(), record.partition(),
						record.key(), record.value());
				for (Header header : record.headers()) {
					again.headers().add(header);
				}
				raw.send(again);
			}
			raw.flush();
		}
		// One newer marker per partition: once each is applied, everything replayed before it on its partition is too.
		String markers = "replaymarker-";
		try (KafkaProducer<String, CloudEvent> producer = tandem.producer()) {
			int partitions = producer.partitionsFor(UserEvents.TOPIC).size();
			for (int partition = 0; partition < partitions; partition++) {
				ProducerRecord<String, CloudEvent> marker = RunningTandem.userCreated(markers + partition);
				producer.send(new ProducerRecord<>(marker.topic(), partition, marker.key(), marker.value()));
			}
			long expected = partitions;
			await().atMost(Duration.ofSeconds(60)).until(() -> tandem.profileCount(markers) == expected);
		}

		long[] profiles = tandem.profiles(prefix);
		report(6, "500 events delivered twice (a topic range replayed)", 500, profiles, started,
				"records replayed " + range.size());
		assertThat(range).hasSize(500);
		assertThat(tandem.fingerprint(prefix)).isEqualTo(before);
		assertThat(profiles).containsExactly(500, 500);
	}

	@Test
	@Order(7)
	void bulkImportOfOneHundredThousandUsersLeavesNoDrift() throws Exception {
		String prefix = "bulk-";
		int users = 100_000;
		String ndjson = IntStream.range(0, users)
			.mapToObj(i -> "{\"username\":\"" + prefix + i + "\",\"email\":\"" + prefix + i + "@example.com\"}")
			.collect(Collectors.joining("\n"));
		String admin = tandem.adminToken();
		long started = System.nanoTime();

		HttpResponse<String> imported = RunningTandem.send(HttpRequest
			.newBuilder(URI.create(tandem.identity() + "/api/admin/users/import"))
			.header("Authorization", "Bearer " + admin)
			.header("Content-Type", "application/x-ndjson")
			.timeout(Duration.ofMinutes(5))
			.POST(HttpRequest.BodyPublishers.ofString(ndjson)));
		long importedAt = System.nanoTime();
		await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(250))
			.until(() -> tandem.profileCount(prefix) == users);
		long profilesAt = System.nanoTime();
		// The earlier tests wrote events straight to the topic for users identity-service never had: their profiles
		// are orphans, which the first reconciliation must find and the repair must remove.
		long injected = tandem.profileCount("crash-") + tandem.profileCount("dbdown-") + tandem.profileCount("poison-")
				+ tandem.profileCount("replay");
		JsonNode found = reconcile("GET", "", admin);
		JsonNode repaired = reconcile("POST", "?repair=true", admin);
		JsonNode after = reconcile("GET", "", admin);

		assertThat(imported.statusCode()).as(imported.body()).isEqualTo(200);
		assertThat(RunningTandem.JSON.readTree(imported.body()).get("created").asLong()).isEqualTo(users);
		long[] profiles = tandem.profiles(prefix);
		report(7, "bulk import of 100 000 users, then reconciliation", users, profiles, started, String.format(
				"import %.1f s, every profile there after %.1f s; reconciliation of %d users in %d ms found %d "
						+ "missing and %d orphaned (profiles of events injected by earlier tests), repaired, then drift %d",
				(importedAt - started) / 1e9, (profilesAt - started) / 1e9, found.get("users").asLong(),
				found.get("millis").asLong(), found.get("missingProfiles").asLong(),
				found.get("orphanedProfiles").asLong(),
				after.get("missingProfiles").asLong() + after.get("orphanedProfiles").asLong()));
		assertThat(found.get("missingProfiles").asLong()).as("every user has a profile").isZero();
		assertThat(found.get("orphanedProfiles").asLong()).isEqualTo(injected);
		assertThat(repaired.get("repaired").asBoolean()).isTrue();
		assertThat(after.get("missingProfiles").asLong()).isZero();
		assertThat(after.get("orphanedProfiles").asLong()).isZero();
		assertThat(tandem.profileCount("crash-")).isZero();
		assertThat(tandem.profiles(prefix)).containsExactly(users, users);
	}

	@Test
	@Order(8)
	void theDatabaseCrashingUnderAStreamOfSignUpsLosesNoAnsweredUserAndLeavesEachItsProfile() throws Exception {
		String prefix = "pgcrash-";
		Set<String> answered = ConcurrentHashMap.newKeySet();
		Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
		AtomicInteger attempts = new AtomicInteger();
		AtomicBoolean registering = new AtomicBoolean(true);
		long started = System.nanoTime();
		ExecutorService clients = Executors.newFixedThreadPool(8);
		List<Future<?>> streams = new ArrayList<>();
		try {
			for (int client = 0; client < 8; client++) {
				streams.add(clients.submit(() -> {
					while (registering.get()) {
						String username = prefix + attempts.getAndIncrement();
						int status;
						try {
							status = tandem.register(username).statusCode();
						}
						catch (IOException ex) {
							status = NO_ANSWER;
						}
						statuses.merge(status, 1, Integer::sum);
						if (status == 201) {
							answered.add(username);
						}
					}
					return null;
				}));
			}
			await().atMost(Duration.ofSeconds(60)).until(() -> answered.size() >= 300);
			// Killed mid-stream: the commits of the last moment are the ones a server that answers before its log is
			// on disk loses, after their events went out and their 201s were sent.
			tandem.stack().crashPostgres();
			int atCrash = answered.size();
			tandem.stack().startPostgres();
			await().atMost(Duration.ofSeconds(120)).until(() -> answered.size() >= atCrash + 300);
			registering.set(false);
			for (Future<?> stream : streams) {
				stream.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			registering.set(false);
			clients.shutdownNow();
		}

		Set<String> users = tandem.usernames("identity", prefix);
		try {
			await().atMost(Duration.ofSeconds(120)).until(() -> tandem.usernames("profile", prefix).equals(users));
		}
		catch (ConditionTimeoutException ex) {
			// The assertions below say which users and profiles are wrong.
		}
		Set<String> withProfile = tandem.usernames("profile", prefix);
		long[] profiles = tandem.profiles(prefix);
		report(8, "PostgreSQL killed (SIGKILL) under a stream of sign-ups", users.size(), profiles, started,
				"sign-ups answered 201 " + answered.size() + "; answers " + new TreeMap<>(statuses));
		assertThat(difference(answered, users)).as("sign-ups answered 201 that are no longer users").isEmpty();
		assertThat(difference(users, withProfile)).as("users without a profile").isEmpty();
		assertThat(difference(withProfile, users)).as("profiles without a user").isEmpty();
		assertThat(profiles[0]).as("one profile per user").isEqualTo(profiles[1]);
		assertThat(statuses.keySet()).as("while the database was down, sign-ups were refused as unavailable")
			.containsOnly(201, 503);
	}

	private static Set<String> difference(Set<String> these, Set<String> those) {
		Set<String> left = new TreeSet<>(these);
		left.removeAll(those);
		return left;
	}

	private static JsonNode reconcile(String method, String query, String token) throws Exception {
		HttpResponse<String> response = RunningTandem.send(HttpRequest
			.newBuilder(URI.create(tandem.profile() + "/api/admin/reconciliation" + query))
			.header("Authorization", "Bearer " + token)
			.timeout(Duration.ofMinutes(5))
			.method(method, HttpRequest.BodyPublishers.noBody()));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return RunningTandem.JSON.readTree(response.body());
	}

	private static void produce(String prefix, int count) {
		try (KafkaProducer<String, CloudEvent> producer = tandem.producer()) {
			for (int i = 0; i < count; i++) {
				producer.send(RunningTandem.userCreated(prefix + i));
			}
			producer.flush();
		}
	}

	private static List<ConsumerRecord<String, byte[]>> read(String topic, Set<String> keys, int count) {
		try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
				ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, tandem.stack().kafka().bootstrapServers()),
				new StringDeserializer(), new ByteArrayDeserializer())) {
			List<TopicPartition> partitions = consumer.partitionsFor(topic)
				.stream()
				.map(info -> new TopicPartition(topic, info.partition()))
				.toList();
			consumer.assign(partitions);
			consumer.seekToBeginning(partitions);
			List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
			long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
			while (found.size() < count && System.nanoTime() < deadline) {
				for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
					if (keys.contains(record.key())) {
						found.add(record);
					}
				}
			}
			return found;
		}
	}

	private static <T> List<T> parallel(List<Callable<T>> tasks) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(8);
		try {
			List<T> results = new ArrayList<>();
			for (Future<T> result : pool.invokeAll(tasks)) {
				results.add(result.get());
			}
			return results;
		}
		finally {
			pool.shutdown();
		}
	}

	private static void report(int number, String fault, long events, long[] profiles, long startedNanos,
			String more) {
		System.out.printf("FAULT %d %s: events %d, profiles %d, duplicates %d, missing %d, took %.1f s%s%n", number,
				fault, events, profiles[0], profiles[0] - profiles[1], events - profiles[1],
				(System.nanoTime() - startedNanos) / 1e9, more.isEmpty() ? "" : "; " + more);
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

}
