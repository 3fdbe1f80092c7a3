package dev.tandem.outbox;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.AbstractReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Whether the Kafka cluster answers: its id and how many brokers it has, asked within two seconds. Boot has no
 * Kafka health indicator, and a readiness group may want one.
 */
public class KafkaHealth extends AbstractReactiveHealthIndicator implements DisposableBean {

	private static final Duration TIMEOUT = Duration.ofSeconds(2);

	private final AdminClient admin;

	public KafkaHealth(Map<String, Object> adminProperties) {
		super("Kafka cannot be asked");
		this.admin = AdminClient.create(adminProperties);
	}

	@Override
	protected Mono<Health> doHealthCheck(Health.Builder builder) {
		var cluster = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) TIMEOUT.toMillis()));
		return Mono.fromFuture(cluster.clusterId().toCompletionStage().toCompletableFuture())
			.zipWith(Mono.fromFuture(cluster.nodes().toCompletionStage().toCompletableFuture()))
			.map(found -> builder.up().withDetail("clusterId", found.getT1()).withDetail("brokers", found.getT2().size())
				.build())
			.timeout(TIMEOUT.plusSeconds(1));
	}

	@Override
	public void destroy() {
		admin.close(Duration.ofSeconds(2));
	}
}
