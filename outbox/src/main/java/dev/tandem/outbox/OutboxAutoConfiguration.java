package dev.tandem.outbox;

import java.time.Clock;
import java.util.Map;

import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.CloudEventSerializer;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcConnectionDetails;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * Gives a service the outbox and its relay. The relay has a producer of its own, built from the service's
 * {@code spring.kafka.producer} settings but always sending CloudEvents idempotently, so the service's own
 * {@code KafkaTemplate} may serialize whatever it likes.
 */
@AutoConfiguration(after = { KafkaAutoConfiguration.class, R2dbcAutoConfiguration.class })
@EnableConfigurationProperties(OutboxSettings.class)
public class OutboxAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	Outbox outbox(DatabaseClient database) {
		return new Outbox(database);
	}

	@Bean
	OutboxProducer outboxProducer(KafkaProperties kafka) {
		Map<String, Object> properties = kafka.buildProducerProperties();
		properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
		properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, CloudEventSerializer.class);
		properties.put(ProducerConfig.ACKS_CONFIG, "all");
		properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
		properties.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "outbox-relay");
		return new OutboxProducer(new DefaultKafkaProducerFactory<>(properties));
	}

	@Bean
	@ConditionalOnMissingBean
	OutboxRelay outboxRelay(DatabaseClient database, OutboxProducer producer, KafkaAdmin admin,
			R2dbcConnectionDetails connectionDetails, OutboxSettings settings, ObjectProvider<NewTopic> topics,
			MeterRegistry meters, ObjectProvider<Clock> clock) {
		return new OutboxRelay(database, producer.template(), admin, connectionDetails, settings, topics, meters,
				clock.getIfAvailable(Clock::systemUTC));
	}

	/** The relay's producer, closed with the application context. */
	static final class OutboxProducer implements DisposableBean {

		private final DefaultKafkaProducerFactory<String, CloudEvent> factory;

		private final KafkaTemplate<String, CloudEvent> template;

		OutboxProducer(DefaultKafkaProducerFactory<String, CloudEvent> factory) {
			this.factory = factory;
			this.template = new KafkaTemplate<>(factory);
		}

		KafkaTemplate<String, CloudEvent> template() {
			return template;
		}

		@Override
		public void destroy() {
			factory.destroy();
		}
	}
}
