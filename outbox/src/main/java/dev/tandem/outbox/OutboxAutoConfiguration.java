package dev.tandem.outbox;

import java.time.Clock;
import java.util.Map;

import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.CloudEventSerializer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
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
 * {@code spring.kafka.producer} settings but always sending CloudEvents idempotently, with every acknowledgement, and
 * at once ({@code linger.ms} set there does not reach it), so the service's own {@code KafkaTemplate} may serialize
 * whatever it likes.
 */
@AutoConfiguration(after = { KafkaAutoConfiguration.class, R2dbcAutoConfiguration.class },
		afterName = { "org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration",
				"org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration" })
@EnableConfigurationProperties(OutboxSettings.class)
public class OutboxAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	Outbox outbox(DatabaseClient database, ObjectProvider<TraceContext> traces, RelayWakeUps wakeUps) {
		return new Outbox(database, traces.getIfAvailable(), wakeUps);
	}

	/** Wakes this replica's relay when it relays, the relaying replica through the database when another does. */
	@Bean
	@ConditionalOnMissingBean
	RelayWakeUps relayWakeUps(ObjectProvider<OutboxRelay> relay, DatabaseClient database) {
		return new RelayWakeUps(relay.getIfAvailable(), database);
	}

	/** The trace carried through the outbox, when the service traces (Micrometer Tracing is present). */
	@Bean
	@ConditionalOnBean({ Tracer.class, Propagator.class })
	TraceContext outboxTraceContext(Tracer tracer, Propagator propagator) {
		return new TraceContext(tracer, propagator);
	}

	/**
	 * A copy of the service's producer factory, so connection details, SSL bundles and customizers apply, with the
	 * serializers and delivery guarantees the relay needs, and no linger: the relay sends a batch and waits for all of
	 * it, so a producer that waits for more records before sending (Kafka's clients wait 5 ms by default) only adds
	 * that wait to every event's way to the consumers. Records that pile up while earlier requests are in flight are
	 * still sent together.
	 */
	@Bean
	@SuppressWarnings("unchecked")
	OutboxProducer outboxProducer(KafkaProperties kafka, ObjectProvider<DefaultKafkaProducerFactory<?, ?>> factories) {
		Map<String, Object> overrides = Map.of(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
				ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, CloudEventSerializer.class, ProducerConfig.ACKS_CONFIG,
				"all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.LINGER_MS_CONFIG, 0);
		DefaultKafkaProducerFactory<?, ?> service = factories.getIfAvailable();
		if (service != null) {
			return new OutboxProducer(
					(DefaultKafkaProducerFactory<String, CloudEvent>) service.copyWithConfigurationOverride(overrides));
		}
		Map<String, Object> properties = kafka.buildProducerProperties();
		properties.putAll(overrides);
		return new OutboxProducer(new DefaultKafkaProducerFactory<>(properties));
	}

	@Bean
	@ConditionalOnMissingBean
	OutboxRelay outboxRelay(DatabaseClient database, OutboxProducer producer, KafkaAdmin admin,
			R2dbcConnectionDetails connectionDetails, OutboxSettings settings, ObjectProvider<NewTopic> topics,
			MeterRegistry meters, ObjectProvider<Clock> clock, ObjectProvider<TraceContext> traces) {
		return new OutboxRelay(database, producer.template(), admin, connectionDetails, settings, topics, meters,
				clock.getIfAvailable(Clock::systemUTC), traces.getIfAvailable());
	}

	/** The {@code kafka} health contributor, for the health endpoint and any group that includes it. */
	@Bean
	@ConditionalOnMissingBean(name = "kafkaHealthIndicator")
	KafkaHealth kafkaHealthIndicator(KafkaAdmin admin) {
		return new KafkaHealth(admin.getConfigurationProperties());
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
