package dev.tandem.identity.outbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.tandem.events.user.UserEvents;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the user-events topic from its start, as a consumer that knows nothing of Tandem's code would.
 */
final class UserEventsTopicReader {

	private UserEventsTopicReader() {
	}

	/** Every message on the topic whose key is {@code userId}, read until {@code count} were found or time is up. */
	static List<ConsumerRecord<String, byte[]>> messagesFor(String bootstrapServers, UUID userId, int count,
			Duration timeout) {
		try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
				Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), new StringDeserializer(),
				new ByteArrayDeserializer())) {
			List<TopicPartition> partitions = consumer.partitionsFor(UserEvents.TOPIC)
				.stream()
				.map(info -> new TopicPartition(info.topic(), info.partition()))
				.toList();
			consumer.assign(partitions);
			consumer.seekToBeginning(partitions);
			List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
			long deadline = System.nanoTime() + timeout.toNanos();
			while (found.size() < count && System.nanoTime() < deadline) {
				for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
					if (userId.toString().equals(record.key())) {
						found.add(record);
					}
				}
			}
			return found;
		}
	}

	static Optional<String> header(ConsumerRecord<String, byte[]> record, String name) {
		Header header = record.headers().lastHeader(name);
		return header == null ? Optional.empty() : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
	}
}
