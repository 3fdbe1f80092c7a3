package dev.tandem.outbox;

import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.tandem.events.EventEnvelope;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;

/**
 * Appends events to the outbox table. Call it inside the transaction of the change the event describes: the event
 * then exists exactly when the change does.
 */
public class Outbox {

	private final DatabaseClient database;

	private final @Nullable TraceContext traces;

	/**
	 * @param traces where the current trace comes from, so the relay can continue it; null without tracing
	 */
	public Outbox(DatabaseClient database, @Nullable TraceContext traces) {
		this.database = database;
		this.traces = traces;
	}

	/**
	 * Appends one event, to be published on {@code topic} with message key {@code key}.
	 *
	 * @param data the event data, JSON
	 */
	public Mono<Void> append(String topic, String key, EventEnvelope envelope, byte[] data) {
		return appendAll(List.of(new OutboxMessage(topic, key, envelope, data)));
	}

	/** Appends many events in one statement, in list order: one round trip for a whole batch. */
	public Mono<Void> appendAll(List<OutboxMessage> messages) {
		if (messages.isEmpty()) {
			return Mono.empty();
		}
		// Read from the subscriber's context: the request's (or the consumed batch's) observation is there.
		return Mono.deferContextual(context -> insert(messages, traces == null ? null : traces.current(context)));
	}

	private Mono<Void> insert(List<OutboxMessage> messages, @Nullable String traceParent) {
		int size = messages.size();
		String[] eventIds = new String[size];
		String[] topics = new String[size];
		String[] keys = new String[size];
		String[] types = new String[size];
		String[] sources = new String[size];
		String[] subjects = new String[size];
		String[] times = new String[size];
		String[] payloads = new String[size];
		for (int i = 0; i < size; i++) {
			OutboxMessage message = messages.get(i);
			eventIds[i] = message.envelope().id().toString();
			topics[i] = message.topic();
			keys[i] = message.key();
			types[i] = message.envelope().type();
			sources[i] = message.envelope().source().toString();
			subjects[i] = message.envelope().subject();
			times[i] = message.envelope().time().toString();
			// As text, not the Json codec: that binds jsonb, which would reorder the producer's bytes.
			payloads[i] = new String(message.data(), StandardCharsets.UTF_8);
		}
		return database.sql("""
				insert into outbox (event_id, topic, message_key, event_type, source, subject, occurred_at, payload,
				                    trace_parent)
				select e.event_id::uuid, e.topic, e.message_key, e.event_type, e.source, e.subject,
				       e.occurred_at::timestamptz, e.payload::json, :traceParent
				from unnest(:eventIds::text[], :topics::text[], :keys::text[], :types::text[], :sources::text[],
				            :subjects::text[], :times::text[], :payloads::text[]) with ordinality
				     as e(event_id, topic, message_key, event_type, source, subject, occurred_at, payload, n)
				order by e.n""")
			.bind("eventIds", eventIds)
			.bind("topics", topics)
			.bind("keys", keys)
			.bind("types", types)
			.bind("sources", sources)
			.bind("subjects", subjects)
			.bind("times", times)
			.bind("payloads", payloads)
			.bind("traceParent", Parameter.fromOrEmpty(traceParent, String.class))
			.then();
	}
}
