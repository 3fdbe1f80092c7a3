package dev.tandem.profile.profiles;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.tandem.events.profile.ProfileDeleted;
import dev.tandem.events.profile.ProfileEvent;
import dev.tandem.events.profile.ProfileEvents;
import dev.tandem.events.profile.ProfileUpdated;
import dev.tandem.events.user.UserCreated;
import dev.tandem.events.user.UserDeleted;
import dev.tandem.events.user.UserUpdated;
import dev.tandem.profile.ProfileIntegrationTest;
import dev.tandem.profile.TestIssuer;
import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.CloudEventDeserializer;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.utils.KafkaTestUtils;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Profile changes leave as events: one {@code ProfileUpdated} per visible change, none for a change that changes
 * nothing, a {@code ProfileDeleted} when the user goes, all written with the change and relayed to
 * {@code profile.profile-events}.
 */
@ProfileIntegrationTest
class ProfileEventsIntegrationTests {

	@Autowired
	WebTestClient http;

	@Autowired
	Profiles profiles;

	@Autowired
	DatabaseClient database;

	@Autowired
	EmbeddedKafkaBroker broker;

	@Test
	void publishesOneProfileUpdatedPerVisibleChange() {
		UUID userId = UUID.randomUUID();
		UserCreated created = new UserCreated(userId, 1, Instant.now(), "mock", "mock@example.com", "Mock", "Turtle",
				true, Map.of("bio", "Once I was a real turtle."));
		profiles.createFor(created, Instant.now()).block();
		profiles.createFor(created, Instant.now()).block();
		patchMe(userId, "{\"location\": \"The sea\"}").expectStatus().isOk();
		patchMe(userId, "{\"location\": \"The sea\"}").expectStatus().isOk();
		patchMe(userId, "{\"location\": \"x\", \"website\": \"not a url\"}").expectStatus().isBadRequest();
		profiles.applyAll(List.of(new UserUpdated(userId, 2, Instant.now(), "mock", "mock@example.com", "Mock",
				"Tortoise", true, Set.of("lastName"))), Instant.now()).block();
		profiles.applyAll(List.of(new UserUpdated(userId, 3, Instant.now(), "mock", "mock@sea.example", "Mock",
				"Tortoise", true, Set.of("email"))), Instant.now()).block();

		List<ProfileEvent> published = publishedFor(userId, 3);

		assertThat(published).allSatisfy(event -> assertThat(event).isInstanceOf(ProfileUpdated.class));
		assertThat(published).extracting(event -> ((ProfileUpdated) event).changedFields())
			.containsExactly(Set.of("username", "email", "displayName", "bio"), Set.of("location"),
					Set.of("email"));
		ProfileUpdated last = (ProfileUpdated) published.get(2);
		assertThat(last.email()).isEqualTo("mock@sea.example");
		assertThat(last.location()).isEqualTo("The sea");
		assertThat(last.bio()).isEqualTo("Once I was a real turtle.");
		assertThat(last.complete()).isFalse();
		assertThat(published).extracting(ProfileEvent::version).isSorted().doesNotHaveDuplicates();
		assertThat(outboxTypesOf(userId)).hasSize(3);
		assertThat(outboxEventIdsOf(userId)).as("time-ordered ids").extracting(UUID::version).containsOnly(7);
	}

	@Test
	void publishesProfileDeletedWhenTheUserIsDeleted() {
		UUID userId = UUID.randomUUID();
		profiles.createFor(new UserCreated(userId, 1, Instant.now(), "gryphon", "gryphon@example.com", "", "", true,
				null), Instant.now()).block();

		profiles.applyAll(List.of(new UserDeleted(userId, 2, Instant.now(), "gryphon", "gryphon@example.com", "", "",
				true)), Instant.now()).block();

		List<ProfileEvent> published = publishedFor(userId, 2);
		assertThat(published.get(1)).isInstanceOf(ProfileDeleted.class);
		assertThat(published.get(1).version()).as("above the last state's, so consumers do not drop it")
			.isEqualTo(published.get(0).version() + 1);
		assertThat(outboxTypesOf(userId)).containsExactly(ProfileUpdated.TYPE, ProfileDeleted.TYPE);
	}

	private List<String> outboxTypesOf(UUID userId) {
		return outboxColumnOf(userId, "event_type", String.class);
	}

	private List<UUID> outboxEventIdsOf(UUID userId) {
		return outboxColumnOf(userId, "event_id", UUID.class);
	}

	private <T> List<T> outboxColumnOf(UUID userId, String column, Class<T> type) {
		return database.sql("select " + column + " from outbox where subject = :subject order by position")
			.bind("subject", userId.toString())
			.map(row -> row.get(0, type))
			.all()
			.collectList()
			.block();
	}

	/** Reads the topic from its start until {@code count} events of the user arrived, and a moment longer. */
	private List<ProfileEvent> publishedFor(UUID userId, int count) {
		Map<String, Object> properties = KafkaTestUtils.consumerProps(broker, "test-" + UUID.randomUUID(), false);
		properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		List<ProfileEvent> events = new ArrayList<>();
		try (Consumer<String, CloudEvent> consumer = new KafkaConsumer<>(properties, new StringDeserializer(),
				new CloudEventDeserializer())) {
			consumer.subscribe(List.of(ProfileEvents.TOPIC));
			await().atMost(Duration.ofSeconds(20)).until(() -> {
				for (ConsumerRecord<String, CloudEvent> record : consumer.poll(Duration.ofMillis(200))) {
					if (record.key().equals(userId.toString())) {
						events.add(ProfileEvents.fromCloudEvent(record.value()));
					}
				}
				return events.size() >= count;
			});
			consumer.poll(Duration.ofSeconds(1)).forEach(record -> {
				if (record.key().equals(userId.toString())) {
					events.add(ProfileEvents.fromCloudEvent(record.value()));
				}
			});
		}
		assertThat(events).hasSize(count);
		return events;
	}

	private WebTestClient.ResponseSpec patchMe(UUID userId, String patch) {
		return http.patch().uri("/api/profiles/me").headers(headers -> headers.setBearerAuth(TestIssuer.userToken(userId)))
			.contentType(MediaType.parseMediaType("application/merge-patch+json")).bodyValue(patch).exchange();
	}
}
