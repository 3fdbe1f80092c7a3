package dev.tandem.identity.outbox;

import java.nio.charset.StandardCharsets;

import dev.tandem.events.EventEnvelope;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * Appends events to the outbox table. Call it inside the transaction of the change the event describes: the event
 * then exists exactly when the change does.
 */
@Component
public class Outbox {

	private final DatabaseClient database;

	Outbox(DatabaseClient database) {
		this.database = database;
	}

	/**
	 * Appends one event, to be published on {@code topic} with message key {@code key}.
	 *
	 * @param data the event data, JSON
	 */
	public Mono<Void> append(String topic, String key, EventEnvelope envelope, byte[] data) {
		return database.sql("""
				insert into outbox (event_id, topic, message_key, event_type, source, subject, occurred_at, payload)
				values (:eventId, :topic, :key, :type, :source, :subject, :occurredAt, cast(:payload as json))""")
			.bind("eventId", envelope.id())
			.bind("topic", topic)
			.bind("key", key)
			.bind("type", envelope.type())
			.bind("source", envelope.source().toString())
			.bind("subject", envelope.subject())
			.bind("occurredAt", envelope.time())
			// As text, not the Json codec: that binds jsonb, which would reorder the producer's bytes.
			.bind("payload", new String(data, StandardCharsets.UTF_8))
			.then();
	}
}
