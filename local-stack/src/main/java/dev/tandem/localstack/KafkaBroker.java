package dev.tandem.localstack;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node Kafka broker in KRaft mode (broker and controller in one), with its log in a directory that
 * survives restarts.
 */
public final class KafkaBroker implements AutoCloseable {

	private final KafkaRaftServer server;

	private final int port;

	private KafkaBroker(KafkaRaftServer server, int port) {
		this.server = server;
		this.port = port;
	}

	/**
	 * Starts a broker on {@code port} (0 for any free port), formatting {@code logDirectory} if it holds no cluster yet.
	 */
	public static KafkaBroker start(Path logDirectory, int port) throws Exception {
		Files.createDirectories(logDirectory);
		int brokerPort = port != 0 ? port : ChildProcesses.freePort();
		int controllerPort = ChildProcesses.freePort();
		String dir = logDirectory.toAbsolutePath().toString();
		if (!Files.exists(logDirectory.resolve("meta.properties"))) {
			new Formatter().setNodeId(1)
				.setClusterId(Uuid.randomUuid().toString())
				.setDirectories(List.of(dir))
				.setMetadataLogDirectory(dir)
				.setControllerListenerName("CONTROLLER")
				.setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
				.setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
				.run();
		}
		Properties config = new Properties();
		config.put("process.roles", "broker,controller");
		config.put("node.id", "1");
		config.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
		config.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
		config.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
		config.put("controller.listener.names", "CONTROLLER");
		config.put("inter.broker.listener.name", "PLAINTEXT");
		config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
		config.put("log.dirs", dir);
		config.put("num.partitions", "1");
		config.put("auto.create.topics.enable", "false");
		config.put("offsets.topic.replication.factor", "1");
		config.put("offsets.topic.num.partitions", "5");
		config.put("transaction.state.log.replication.factor", "1");
		config.put("transaction.state.log.min.isr", "1");
		config.put("share.coordinator.state.topic.replication.factor", "1");
		config.put("share.coordinator.state.topic.min.isr", "1");
		config.put("group.initial.rebalance.delay.ms", "0");
		KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(config, false), Time.SYSTEM);
		server.startup();
		return new KafkaBroker(server, brokerPort);
	}

	public int port() {
		return port;
	}

	/** The {@code bootstrap.servers} value that reaches this broker. */
	public String bootstrapServers() {
		return "127.0.0.1:" + port;
	}

	@Override
	public void close() {
		server.shutdown();
		server.awaitShutdown();
	}
}
