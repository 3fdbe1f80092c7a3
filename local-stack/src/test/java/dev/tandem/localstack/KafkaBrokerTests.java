package dev.tandem.localstack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaBrokerTests {

	@TempDir
	Path data;

	@Test
	void keepsMessagesAcrossARestart() throws Exception {
		int port = ChildProcesses.freePort();
		try (KafkaBroker broker = KafkaBroker.start(data, port)) {
			try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
				admin.createTopics(List.of(new NewTopic("survivors", 1, (short) 1))).all().get();
			}
			try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
					ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), new StringSerializer(),
					new StringSerializer())) {
				producer.send(new ProducerRecord<>("survivors", "alice", "still here")).get();
			}
		}

		try (KafkaBroker broker = KafkaBroker.start(data, port);
				KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
						ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
						ConsumerConfig.GROUP_ID_CONFIG, "reader",
						ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(),
						new StringDeserializer())) {
			consumer.subscribe(Set.of("survivors"));
			List<String> values = new ArrayList<>();
			long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			while (values.isEmpty() && System.nanoTime() < deadline) {
				for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
					values.add(record.value());
				}
			}
			assertThat(values).containsExactly("still here");
		}
	}
}
