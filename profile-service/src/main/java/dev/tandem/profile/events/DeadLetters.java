package dev.tandem.profile.events;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.NestedExceptionUtils;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.stereotype.Component;

/**
 * Sends records that can never be processed to {@code <topic>.DLT}, byte for byte with their original headers, plus
 * spring-kafka's standard dead-letter headers saying where they came from and why they failed, so they can be
 * inspected and, once the cause is fixed, replayed onto the original topic.
 */
@Component
class DeadLetters {

	static final String SUFFIX = ".DLT";

	private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

	private final KafkaTemplate<String, byte[]> kafka;

	private final Counter deadLettered;

	DeadLetters(KafkaTemplate<String, byte[]> kafka, MeterRegistry meters) {
		this.kafka = kafka;
		this.deadLettered = Counter.builder("tandem.events.dead-lettered")
			.description("User events sent to the dead-letter topic")
			.register(meters);
	}

	/** Sends the records and waits until the broker has them all; fails (and so fails the batch) otherwise. */
	void send(List<DeadLetter> letters) {
		if (letters.isEmpty()) {
			return;
		}
		List<CompletableFuture<?>> sent = new ArrayList<>();
		for (DeadLetter letter : letters) {
			ConsumerRecord<String, byte[]> record = letter.record();
			ProducerRecord<String, byte[]> dead = new ProducerRecord<>(record.topic() + SUFFIX, null, record.key(),
					record.value());
			for (Header header : record.headers()) {
				dead.headers().add(header);
			}
			String reason = letter.failure().getMessage() != null ? letter.failure().getMessage()
					: String.valueOf(NestedExceptionUtils.getMostSpecificCause(letter.failure()).getMessage());
			dead.headers()
				.add(KafkaHeaders.DLT_ORIGINAL_TOPIC, bytes(record.topic()))
				.add(KafkaHeaders.DLT_ORIGINAL_PARTITION, bytes(Integer.toString(record.partition())))
				.add(KafkaHeaders.DLT_ORIGINAL_OFFSET, bytes(Long.toString(record.offset())))
				.add(KafkaHeaders.DLT_EXCEPTION_FQCN, bytes(letter.failure().getClass().getName()))
				.add(KafkaHeaders.DLT_EXCEPTION_MESSAGE, bytes(reason));
			log.error("Dead-lettering the event at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
					reason);
			sent.add(kafka.send(dead));
		}
		try {
			CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while dead-lettering", ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("the dead-letter topic did not take the records", ex);
		}
		deadLettered.increment(letters.size());
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

	/** A record and why it can never be processed. */
	record DeadLetter(ConsumerRecord<String, byte[]> record, Throwable failure) {
	}
}
