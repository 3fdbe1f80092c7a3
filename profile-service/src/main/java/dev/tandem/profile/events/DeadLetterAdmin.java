package dev.tandem.profile.events;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.tandem.events.user.UserEvents;
import dev.tandem.support.data.SessionLocks;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcConnectionDetails;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The dead-letter topic for admins: list what is in it and why, and replay it onto the original topic once the
 * cause is fixed. Replay remembers how far it got (consumer group {@code profile-service-dlt-replay}), so each dead
 * letter is replayed once; one that fails again comes back to the dead-letter topic as a new record. One replay at a
 * time across all replicas: it holds a PostgreSQL advisory lock, and a second one meanwhile is refused (409) rather
 * than sending the same dead letters again. While Kafka does not answer, both answer 503 with {@code Retry-After}.
 */
@RestController
@RequestMapping("/api/admin/dead-letters")
class DeadLetterAdmin {

	static final String REPLAY_GROUP = "profile-service-dlt-replay";

	/** The session lock one replay at a time holds ("tandemDL" in ASCII, folded into a long). */
	static final long REPLAY_LOCK = 0x74616E64656D444CL;

	private static final String TOPIC = UserEvents.TOPIC + DeadLetters.SUFFIX;

	private static final int LIMIT = 1000;

	private final KafkaProperties kafkaProperties;

	private final KafkaTemplate<String, byte[]> kafka;

	private final SessionLocks locks;

	DeadLetterAdmin(KafkaProperties kafkaProperties, KafkaTemplate<String, byte[]> kafka,
			R2dbcConnectionDetails connectionDetails) {
		this.kafkaProperties = kafkaProperties;
		this.kafka = kafka;
		this.locks = new SessionLocks(connectionDetails);
	}

	/** The dead letters not yet replayed (the first 1000), oldest first per partition. */
	@GetMapping
	Mono<List<DeadLetterView>> list() {
		return Mono.fromCallable(() -> read(false)).subscribeOn(Schedulers.boundedElastic());
	}

	/**
	 * Puts every dead letter not yet replayed back on its original topic, byte for byte; refused with
	 * {@link ReplayInProgress} while another replay runs.
	 */
	@PostMapping("/replay")
	Mono<Replayed> replay() {
		Mono<Replayed> replay = locks.whileHolding(REPLAY_LOCK,
				Mono.fromCallable(() -> new Replayed(read(true).size())).subscribeOn(Schedulers.boundedElastic()),
				Mono.error(ReplayInProgress::new));
		// A caller who hangs up does not stop a replay half way (sent, but not marked as replayed): it runs to its
		// end, and only then gives the lock up.
		return Mono.fromFuture(replay.toFuture(), true);
	}

	/** The dead letters not yet replayed, put back on their topic if {@code replay}; fails with KafkaUnavailable. */
	private List<DeadLetterView> read(boolean replay) {
		try {
			return readOrFail(replay);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new KafkaUnavailable(ex);
		}
		catch (ExecutionException ex) {
			throw new KafkaUnavailable(ex.getCause() != null ? ex.getCause() : ex);
		}
		catch (KafkaException | org.springframework.kafka.KafkaException | TimeoutException ex) {
			throw new KafkaUnavailable(ex);
		}
	}

	private List<DeadLetterView> readOrFail(boolean replay)
			throws InterruptedException, ExecutionException, TimeoutException {
		Map<String, Object> config = new HashMap<>(kafkaProperties.buildConsumerProperties());
		config.put(ConsumerConfig.GROUP_ID_CONFIG, REPLAY_GROUP);
		config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
				new ByteArrayDeserializer())) {
			List<TopicPartition> partitions = consumer.partitionsFor(TOPIC, Duration.ofSeconds(10))
				.stream()
				.map(info -> new TopicPartition(TOPIC, info.partition()))
				.toList();
			consumer.assign(partitions);
			Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
			List<DeadLetterView> letters = new ArrayList<>();
			Map<TopicPartition, OffsetAndMetadata> replayed = new HashMap<>();
			List<CompletableFuture<?>> sent = new ArrayList<>();
			long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
			while (letters.size() < LIMIT && !caughtUp(consumer, end) && System.nanoTime() < deadline) {
				for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
					if (letters.size() >= LIMIT || record.offset() >= end.get(new TopicPartition(TOPIC, record.partition()))) {
						continue;
					}
					letters.add(DeadLetterView.of(record));
					if (replay) {
						sent.add(kafka.send(original(record)));
						replayed.put(new TopicPartition(TOPIC, record.partition()),
								new OffsetAndMetadata(record.offset() + 1));
					}
				}
			}
			if (replay && !letters.isEmpty()) {
				CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
				consumer.commitSync(replayed);
			}
			return letters;
		}
	}

	private static boolean caughtUp(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
		return end.entrySet().stream().allMatch(partition -> consumer.position(partition.getKey()) >= partition.getValue());
	}

	/** The record as it was before it failed: its original topic, key, value and headers. */
	private static ProducerRecord<String, byte[]> original(ConsumerRecord<String, byte[]> record) {
		String topic = header(record, KafkaHeaders.DLT_ORIGINAL_TOPIC);
		ProducerRecord<String, byte[]> original = new ProducerRecord<>(topic == null ? UserEvents.TOPIC : topic, null,
				record.key(), record.value());
		for (Header header : record.headers()) {
			if (!header.key().startsWith("kafka_dlt-")) {
				original.headers().add(header);
			}
		}
		return original;
	}

	private static @Nullable String header(ConsumerRecord<String, byte[]> record, String name) {
		Header header = record.headers().lastHeader(name);
		return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
	}

	/** One dead letter: where it is, where it came from, and why it failed. */
	record DeadLetterView(int partition, long offset, @Nullable String key, @Nullable String eventId,
			@Nullable String eventType, @Nullable String originalTopic, @Nullable String originalPartition,
			@Nullable String originalOffset, @Nullable String exception, @Nullable String reason) {

		static DeadLetterView of(ConsumerRecord<String, byte[]> record) {
			return new DeadLetterView(record.partition(), record.offset(), record.key(), header(record, "ce_id"),
					header(record, "ce_type"), header(record, KafkaHeaders.DLT_ORIGINAL_TOPIC),
					header(record, KafkaHeaders.DLT_ORIGINAL_PARTITION), header(record, KafkaHeaders.DLT_ORIGINAL_OFFSET),
					header(record, KafkaHeaders.DLT_EXCEPTION_FQCN), header(record, KafkaHeaders.DLT_EXCEPTION_MESSAGE));
		}
	}

	/** How many dead letters went back to their topic. */
	record Replayed(int replayed) {
	}
}
