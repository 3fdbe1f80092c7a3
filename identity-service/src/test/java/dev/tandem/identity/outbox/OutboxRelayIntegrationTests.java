package dev.tandem.identity.outbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import dev.tandem.identity.IdentityIntegrationTest;
import dev.tandem.outbox.OutboxRelay;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Statement;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@IdentityIntegrationTest
class OutboxRelayIntegrationTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Autowired
	WebTestClient http;

	@Autowired
	DatabaseClient database;

	@Autowired
	EmbeddedKafkaBroker kafka;

	@Test
	void publishesTheEventKeyedByUserIdWithCloudEventsHeaders() {
		UUID userId = register("frank" + UUID.randomUUID().toString().substring(0, 8));

		List<ConsumerRecord<String, byte[]>> messages = UserEventsTopicReader.messagesFor(kafka.getBrokersAsString(),
				userId, 1, Duration.ofSeconds(30));

		assertThat(messages).hasSize(1);
		ConsumerRecord<String, byte[]> message = messages.get(0);
		Map<String, Object> row = database.sql("select event_id::text as event_id, occurred_at from outbox where message_key = :key")
			.bind("key", userId.toString()).fetch().one().block();
		assertThat(UserEventsTopicReader.header(message, "ce_id")).contains((String) row.get("event_id"));
		assertThat(UUID.fromString((String) row.get("event_id")).version()).as("a time-ordered id").isEqualTo(7);
		assertThat(UserEventsTopicReader.header(message, "ce_type")).contains("dev.tandem.identity.user.created.v1");
		assertThat(UserEventsTopicReader.header(message, "ce_specversion")).contains("1.0");
		assertThat(UserEventsTopicReader.header(message, "ce_source")).contains("/tandem/identity-service");
		assertThat(UserEventsTopicReader.header(message, "ce_subject")).contains(userId.toString());
		assertThat(UserEventsTopicReader.header(message, "content-type")).contains("application/json");
		assertThat(UserEventsTopicReader.header(message, "ce_time")).hasValueSatisfying(
				time -> assertThat(Instant.parse(time)).isEqualTo(((java.time.OffsetDateTime) row.get("occurred_at")).toInstant()));
		assertThat(new String(message.value(), StandardCharsets.UTF_8)).contains("\"userId\":\"" + userId + "\"")
			.doesNotContain("password");
	}

	@Test
	void carriesTheTraceOfTheRegistrationIntoTheEventsHeaders() {
		String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
		String name = "trace" + UUID.randomUUID().toString().substring(0, 8);
		Map<?, ?> user = http.post().uri("/api/users").contentType(MediaType.APPLICATION_JSON)
			.header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
			.bodyValue(Map.of("username", name, "email", name + "@example.com", "password", "long enough password"))
			.exchange()
			.expectStatus().isCreated()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		UUID userId = UUID.fromString((String) user.get("id"));

		String stored = database.sql("select trace_parent from outbox where message_key = :key")
			.bind("key", userId.toString()).map(row -> row.get(0, String.class)).one().block();
		List<ConsumerRecord<String, byte[]>> messages = UserEventsTopicReader.messagesFor(kafka.getBrokersAsString(),
				userId, 1, Duration.ofSeconds(30));

		assertThat(stored).contains(traceId);
		assertThat(messages).hasSize(1);
		assertThat(UserEventsTopicReader.header(messages.get(0), "traceparent")).hasValueSatisfying(
				header -> assertThat(header).contains(traceId).isNotEqualTo(stored));
	}

	@Test
	void marksTheEventPublishedOnlyOnceTheBrokerHasIt() {
		UUID userId = register("grace" + UUID.randomUUID().toString().substring(0, 8));

		await().atMost(Duration.ofSeconds(30)).until(() -> OutboxQueue.publishedAllOf(database, userId));

		assertThat(UserEventsTopicReader.messagesFor(kafka.getBrokersAsString(), userId, 1, Duration.ofSeconds(10)))
			.hasSize(1);
	}

	@Test
	void takesAQueuedPositionWhoseEventIsGoneOffTheQueueAndPublishesTheRest() {
		// Position 0 is never an event's (the sequence starts at 1): an entry left by a hand-deleted row, first in line.
		database.sql("insert into outbox_pending (position) values (0)").then().block();

		UUID userId = register("hal" + UUID.randomUUID().toString().substring(0, 8));

		assertThat(UserEventsTopicReader.messagesFor(kafka.getBrokersAsString(), userId, 1, Duration.ofSeconds(30)))
			.hasSize(1);
		await().atMost(Duration.ofSeconds(10)).until(() -> database
			.sql("select count(*) from outbox_pending where position = 0")
			.map(row -> row.get(0, Long.class)).one().block() == 0);
	}

	@Test
	void takesEventsOffTheQueueWithoutWaitingForTheDiskInThatTransactionAlone() {
		// All on one connection, so that a setting left behind would show. Position -7 is never an event's; its entry
		// is made and taken off inside one transaction the relay cannot see.
		List<String> seen = database.inConnectionMany(connection -> Flux.concat(
				Mono.from(connection.beginTransaction()).thenMany(Flux.empty()),
				values(connection.createStatement("insert into outbox_pending (position) values (-7)")),
				values(connection.createStatement(OutboxRelay.TAKE_OFF_THE_QUEUE).bind("$1", new Long[] { -7L })
					.bind("$2", -7L).bind("$3", -7L)),
				values(connection.createStatement("select count(*)::text from outbox_pending where position = -7")),
				values(connection.createStatement("select current_setting('synchronous_commit')")),
				Mono.from(connection.commitTransaction()).thenMany(Flux.empty()),
				values(connection.createStatement("select current_setting('synchronous_commit')")),
				// As the relay runs it, a transaction of its own, here with nothing to take off.
				values(connection.createStatement(OutboxRelay.TAKE_OFF_THE_QUEUE).bind("$1", new Long[] { -8L })
					.bind("$2", -8L).bind("$3", -8L)),
				values(connection.createStatement("select current_setting('synchronous_commit')"))))
			.collectList()
			.block();

		assertThat(seen).containsExactly("off", "0", "off", "on", "off", "on");
	}

	/**
	 * The queue empties after every burst, and a new installation's outbox starts empty; a prepared statement keeps
	 * the plan PostgreSQL made then, which scans the table. That scan must compare only the entries between the
	 * batch's first and last positions with the batch's array, not every entry, or taking batches off a long queue
	 * costs the queue's length times the batch's size each time (docs/benchmarks.md, item 41).
	 */
	@ParameterizedTest
	@MethodSource("relayLookups")
	void aPlanMadeOnAnEmptyTableComparesOnlyTheEntriesWithinTheBatchsRangeWithTheBatch(String table, String sql) {
		// A temporary table of the same name comes first in the search path: empty and analysed, in a transaction
		// that is rolled back whatever happens, whatever the real one holds.
		String plan = database.inConnectionMany(connection -> Flux.usingWhen(
				Mono.from(connection.beginTransaction()).thenReturn(connection),
				inTransaction -> Flux.concat(
						values(inTransaction.createStatement("create temporary table " + table + " (like public."
								+ table + " including all) on commit drop")),
						values(inTransaction.createStatement("analyze pg_temp." + table)),
						// The plan a prepared statement keeps, made for any parameters; explained by a function of this
						// transaction, handed the statement as a value: the driver would take its placeholders for
						// parameters of the EXPLAIN itself.
						values(inTransaction.createStatement("create function pg_temp.generic_plan(statement text) "
								+ "returns text language plpgsql as 'declare plan text; begin execute "
								+ "''explain (generic_plan, format json, verbose) '' || statement into plan; "
								+ "return plan; end'")),
						values(inTransaction.createStatement("select pg_temp.generic_plan($1)").bind("$1", sql))),
				Connection::rollbackTransaction, (inTransaction, error) -> inTransaction.rollbackTransaction(),
				Connection::rollbackTransaction))
			.single()
			.block();

		JsonNode scan = scanOf(JSON.readTree(plan).get(0).get("Plan"), table);
		assertThat(scan).as("the scan of " + table + " in " + plan).isNotNull();
		assertThat(scan.get("Schema").asString()).as("the empty table's plan").startsWith("pg_temp");
		assertThat(scan.get("Node Type").asString()).isEqualTo("Seq Scan");
		// PostgreSQL tests a filter's conditions in the order EXPLAIN lists them, cheapest first by its estimates.
		String filter = scan.get("Filter").asString();
		assertThat(filter).contains("= ANY ($1)", ">= $2", "<= $3");
		assertThat(filter.indexOf("= ANY ($1)")).as(filter)
			.isGreaterThan(filter.indexOf(">= $2"))
			.isGreaterThan(filter.indexOf("<= $3"));
	}

	static Stream<Arguments> relayLookups() {
		return Stream.of(Arguments.of("outbox_pending", OutboxRelay.TAKE_OFF_THE_QUEUE),
				Arguments.of("outbox", OutboxRelay.QUEUED_EVENTS));
	}

	private static @Nullable JsonNode scanOf(JsonNode node, String table) {
		if (table.equals(node.path("Relation Name").asString("")) && node.path("Node Type").asString("").endsWith("Scan")) {
			return node;
		}
		for (JsonNode child : node.path("Plans")) {
			JsonNode found = scanOf(child, table);
			if (found != null) {
				return found;
			}
		}
		return null;
	}

	/** The first column of every row a statement answers, as text; none for a statement that answers no rows. */
	private static Flux<String> values(Statement statement) {
		return Flux.from(statement.execute()).flatMap(result -> result.map((row, metadata) -> row.get(0, String.class)));
	}

	private UUID register(String name) {
		Map<?, ?> user = http.post().uri("/api/users").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("username", name, "email", name + "@example.com", "password", "long enough password"))
			.exchange()
			.expectStatus().isCreated()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		return UUID.fromString((String) user.get("id"));
	}
}
