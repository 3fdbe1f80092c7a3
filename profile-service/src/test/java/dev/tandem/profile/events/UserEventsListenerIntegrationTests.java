package dev.tandem.profile.events;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.tandem.events.user.UserCreated;
import dev.tandem.events.user.UserDeleted;
import dev.tandem.events.user.UserEvent;
import dev.tandem.events.user.UserUpdated;
import dev.tandem.events.user.UserEvents;
import dev.tandem.profile.ProfileIntegrationTest;
import dev.tandem.profile.profiles.Profile;
import dev.tandem.profile.profiles.Profiles;
import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.CloudEventSerializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ProfileIntegrationTest
class UserEventsListenerIntegrationTests {

	@Autowired
	EmbeddedKafkaBroker kafka;

	@Autowired
	Profiles profiles;

	@Autowired
	DatabaseClient database;

	KafkaProducer<String, CloudEvent> producer;

	@BeforeEach
	void connect() {
		producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString()),
				new StringSerializer(), new CloudEventSerializer());
	}

	@AfterEach
	void disconnect() {
		producer.close();
	}

	@Test
	void createsTheProfileOfANewUser() {
		UserCreated alice = userCreated("alice", "Alice", "Liddell");

		send(UUID.randomUUID(), alice);

		Profile profile = awaitProfile(alice.userId());
		assertThat(profile.username()).isEqualTo(alice.username());
		assertThat(profile.email()).isEqualTo(alice.email());
		assertThat(profile.displayName()).isEqualTo("Alice Liddell");
		assertThat(profile.identityVersion()).isEqualTo(1);
	}

	@Test
	void createsExactlyOneProfileForDuplicateDeliveries() {
		UserCreated bob = userCreated("bob", "Bob", "Builder");
		UUID eventId = UUID.randomUUID();

		send(eventId, bob);
		send(eventId, bob);
		// the same fact again under another event id, as a republished backfill would send it
		send(UUID.randomUUID(), bob);
		UserCreated sentinel = userCreated("sentinel", "", "");
		send(UUID.randomUUID(), sentinel);

		// One partition: once the event sent last is applied, every duplicate before it was handled.
		awaitProfile(sentinel.userId());
		assertThat(database.sql("select count(*) from profiles where user_id = :id").bind("id", bob.userId())
			.map(row -> row.get(0, Long.class)).one().block()).isEqualTo(1);
		assertThat(profiles.findById(bob.userId()).block().displayName()).isEqualTo("Bob Builder");
	}

	@Test
	void deadLettersAPoisonMessageAndAppliesEveryGoodOneAroundIt() {
		UserCreated before = userCreated("carol", "Carol", "");
		UserCreated after = userCreated("dora", "Dora", "");
		send(UUID.randomUUID(), before);
		String poisonId = UUID.randomUUID().toString();
		String poisonKey = "poison-" + poisonId;
		String garbageKey = "garbage-" + poisonId;
		try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(
				Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString()), new StringSerializer(),
				new ByteArraySerializer())) {
			ProducerRecord<String, byte[]> poison = new ProducerRecord<>(UserEvents.TOPIC, poisonKey,
					"{not json".getBytes(StandardCharsets.UTF_8));
			poison.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8))
				.add("ce_id", poisonId.getBytes(StandardCharsets.UTF_8))
				.add("ce_type", UserCreated.TYPE.getBytes(StandardCharsets.UTF_8))
				.add("ce_source", "/test".getBytes(StandardCharsets.UTF_8))
				.add("content-type", "application/json".getBytes(StandardCharsets.UTF_8));
			raw.send(poison);
			// Not a CloudEvent at all.
			raw.send(new ProducerRecord<>(UserEvents.TOPIC, garbageKey, new byte[] { 1, 2, 3 }));
		}
		send(UUID.randomUUID(), after);

		assertThat(awaitProfile(before.userId()).displayName()).isEqualTo("Carol");
		assertThat(awaitProfile(after.userId()).displayName()).isEqualTo("Dora");
		List<ConsumerRecord<String, byte[]>> dead = deadLetters(java.util.Set.of(poisonKey, garbageKey));
		assertThat(dead).extracting(ConsumerRecord::key).containsExactly(poisonKey, garbageKey);
		ConsumerRecord<String, byte[]> poisoned = dead.get(0);
		assertThat(new String(poisoned.value(), StandardCharsets.UTF_8)).isEqualTo("{not json");
		assertThat(header(poisoned, "ce_id")).isEqualTo(poisonId);
		assertThat(header(poisoned, KafkaHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo(UserEvents.TOPIC);
		assertThat(header(poisoned, KafkaHeaders.DLT_EXCEPTION_MESSAGE)).contains("not JSON");
	}

	@Test
	void appliesOnlyTheOutcomeOfABatchThatHoldsOneUsersWholeHistory() {
		UserCreated user = userCreated("eve", "Eve", "");
		send(UUID.randomUUID(), user);
		send(UUID.randomUUID(), updated(user, 2, "eve@two.example"));
		send(UUID.randomUUID(), updated(user, 3, "eve@three.example"));
		UserCreated sentinel = userCreated("sentinel", "", "");
		send(UUID.randomUUID(), sentinel);

		awaitProfile(sentinel.userId());
		assertThat(profiles.findById(user.userId()).block().email()).isEqualTo("eve@three.example");
	}

	private List<ConsumerRecord<String, byte[]>> deadLetters(java.util.Set<String> keys) {
		try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
				ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString(),
				ConsumerConfig.GROUP_ID_CONFIG, "dlt-reader-" + UUID.randomUUID(),
				ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(),
				new ByteArrayDeserializer())) {
			consumer.subscribe(List.of(UserEvents.TOPIC + ".DLT"));
			List<ConsumerRecord<String, byte[]>> found = new java.util.ArrayList<>();
			long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			while (found.size() < keys.size() && System.nanoTime() < deadline) {
				consumer.poll(Duration.ofMillis(200)).forEach(record -> {
					if (keys.contains(record.key())) {
						found.add(record);
					}
				});
			}
			return found;
		}
	}

	private static String header(ConsumerRecord<String, byte[]> record, String name) {
		return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
	}

	@Test
	void deadLettersAnEventTheDatabaseRefusesAndAppliesTheRestOfItsBatch() {
		UserCreated before = userCreated("tove", "", "");
		// Valid by the event's schema, but PostgreSQL text cannot hold U+0000.
		UserCreated refused = new UserCreated(UUID.randomUUID(), 1, Instant.now(), "nul\u0000user",
				"nul@example.com", "", "", true, null);
		UserCreated after = userCreated("ulla", "", "");
		send(UUID.randomUUID(), before);
		send(UUID.randomUUID(), refused);
		send(UUID.randomUUID(), after);

		awaitProfile(after.userId());
		assertThat(profiles.findById(before.userId()).blockOptional()).isPresent();
		assertThat(profiles.findById(refused.userId()).blockOptional()).isEmpty();
		List<ConsumerRecord<String, byte[]>> dead = deadLetters(java.util.Set.of(refused.userId().toString()));
		assertThat(dead).hasSize(1);
		assertThat(header(dead.get(0), KafkaHeaders.DLT_EXCEPTION_MESSAGE)).containsIgnoringCase("0x00");
	}

	@Test
	void continuesTheTraceOfTheUserEventIntoTheProfileEvent() {
		String traceId = "0af7651916cd43dd8448eb211c80319c";
		UserCreated user = userCreated("tracy", "", "");
		ProducerRecord<String, CloudEvent> record = new ProducerRecord<>(UserEvents.TOPIC, user.userId().toString(),
				UserEvents.toCloudEvent(UUID.randomUUID(), user));
		record.headers().add("traceparent", ("00-" + traceId + "-b7ad6b7169203331-01").getBytes(StandardCharsets.UTF_8));
		producer.send(record);
		producer.flush();

		awaitProfile(user.userId());

		String traceParent = database.sql("select trace_parent from outbox where subject = :subject")
			.bind("subject", user.userId().toString())
			.map(row -> row.get(0, String.class))
			.one()
			.block();
		assertThat(traceParent).as("the ProfileUpdated written in the consumer's span").contains(traceId);
	}

	@Test
	void copiesANewerEmailAndIgnoresAStaleUpdate() {
		UserCreated user = userCreated("hugo", "Hugo", "");
		send(UUID.randomUUID(), user);
		send(UUID.randomUUID(), updated(user, 3, "hugo@new.example"));
		send(UUID.randomUUID(), updated(user, 2, "hugo@stale.example"));
		UserCreated sentinel = userCreated("sentinel", "", "");
		send(UUID.randomUUID(), sentinel);

		awaitProfile(sentinel.userId());
		Profile profile = profiles.findById(user.userId()).block();
		assertThat(profile.email()).isEqualTo("hugo@new.example");
		assertThat(profile.identityVersion()).isEqualTo(3);
		assertThat(profile.version()).as("the profile changed, so its ETag must").isEqualTo(2);
	}

	@Test
	void removesTheProfileOfADeletedUserForGood() {
		UserCreated user = userCreated("ivan", "Ivan", "");
		send(UUID.randomUUID(), user);
		awaitProfile(user.userId());

		send(UUID.randomUUID(), new UserDeleted(user.userId(), 2, Instant.now(), user.username(), user.email(), "Ivan",
				"", true));
		// A replay of older events must not bring the profile back.
		send(UUID.randomUUID(), user);
		send(UUID.randomUUID(), updated(user, 2, "ivan@late.example"));
		UserCreated sentinel = userCreated("sentinel", "", "");
		send(UUID.randomUUID(), sentinel);

		awaitProfile(sentinel.userId());
		assertThat(profiles.findById(user.userId()).blockOptional()).isEmpty();
	}

	private static UserUpdated updated(UserCreated user, long version, String email) {
		return new UserUpdated(user.userId(), version, Instant.now(), user.username(), email, user.firstName(),
				user.lastName(), true, java.util.Set.of("email"));
	}

	private Profile awaitProfile(UUID userId) {
		return await().atMost(Duration.ofSeconds(30)).until(() -> profiles.findById(userId).block(),
				profile -> profile != null);
	}

	private void send(UUID eventId, UserEvent event) {
		producer.send(new ProducerRecord<>(UserEvents.TOPIC, event.userId().toString(),
				UserEvents.toCloudEvent(eventId, event)));
		producer.flush();
	}

	private static UserCreated userCreated(String name, String firstName, String lastName) {
		String username = name + UUID.randomUUID().toString().substring(0, 8);
		return new UserCreated(UUID.randomUUID(), 1, Instant.now(), username, username + "@example.com", firstName,
				lastName, true, null);
	}
}
