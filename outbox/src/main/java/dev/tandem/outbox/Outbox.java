package dev.tandem.outbox;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.UnaryOperator;

import dev.tandem.events.EventEnvelope;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.r2dbc.core.Parameter;

/**
 * Appends events to the outbox table. Call it inside the transaction of the change the event describes: the event
 * then exists exactly when the change does. The table's trigger queues each appended event for the relay
 * ({@code outbox_pending}) in the same statement, and the relay is woken once the transaction commits
 * ({@link RelayWakeUps}).
 */
public class Outbox {

	/** Appends the bound messages; the placeholder takes a condition ({@code where ...}) or nothing. */
	private static final String INSERT_WHERE = """
			insert into outbox (event_id, topic, message_key, event_type, source, subject, occurred_at, payload,
			                    trace_parent)
			select e.event_id::uuid, e.topic, e.message_key, e.event_type, e.source, e.subject,
			       e.occurred_at::timestamptz, e.payload::json, :outboxTraceParent
			from unnest(:outboxEventIds::text[], :outboxTopics::text[], :outboxKeys::text[], :outboxTypes::text[],
			            :outboxSources::text[], :outboxSubjects::text[], :outboxTimes::text[], :outboxPayloads::text[])
			     with ordinality as e(event_id, topic, message_key, event_type, source, subject, occurred_at, payload, n)
			%s
			order by e.n""";

	private static final String INSERT = INSERT_WHERE.formatted("");

	private static final String INSERT_IF_CHANGED = INSERT_WHERE.formatted("where exists (select 1 from change)");

	private final DatabaseClient database;

	private final @Nullable TraceContext traces;

	private final RelayWakeUps wakeUps;

	/**
	 * @param traces where the current trace comes from, so the relay can continue it; null without tracing
	 * @param wakeUps wakes the relay once appended events have committed
	 */
	public Outbox(DatabaseClient database, @Nullable TraceContext traces, RelayWakeUps wakeUps) {
		this.database = database;
		this.traces = traces;
		this.wakeUps = wakeUps;
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
		return Mono.deferContextual(context -> insert(messages, traces == null ? null : traces.current(context)))
			.then(wakeUps.wakeOnceCommitted());
	}

	/**
	 * Runs {@code change}, a data-modifying statement with a {@code RETURNING} clause, and appends {@code messages}
	 * in the same statement if and only if it returned a row: the change and its events commit together, in one
	 * round trip and without a transaction around them. For an optimistic change ({@code ... where version =
	 * :expected}) that may find nothing to change.
	 *
	 * @param parameters binds the change's own parameters; the outbox's are named {@code outbox*}
	 * @return whether the change returned a row (and the messages were appended)
	 */
	public Mono<Boolean> appendIfChanged(String change, UnaryOperator<GenericExecuteSpec> parameters,
			List<OutboxMessage> messages) {
		return Mono.deferContextual(context -> {
			// Without messages, the change alone: no insert of nothing to plan and run.
			GenericExecuteSpec statement = messages.isEmpty()
					? database.sql("with change as (" + change + ")\nselect count(*) as changed from change")
					: bind(database.sql("with change as (" + change + "),\nappended as (" + INSERT_IF_CHANGED
							+ ")\nselect count(*) as changed from change"), messages,
							traces == null ? null : traces.current(context));
			return parameters.apply(statement).map(row -> row.get("changed", Long.class)).one();
		})
			.map(changed -> changed != null && changed > 0)
			.flatMap(changed -> changed && !messages.isEmpty() ? wakeUps.wakeOnceCommitted().thenReturn(true)
					: Mono.just(changed));
	}

	private Mono<Void> insert(List<OutboxMessage> messages, @Nullable String traceParent) {
		return bind(database.sql(INSERT), messages, traceParent).then();
	}

	private static GenericExecuteSpec bind(GenericExecuteSpec statement, List<OutboxMessage> messages,
			@Nullable String traceParent) {
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
		return statement.bind("outboxEventIds", eventIds)
			.bind("outboxTopics", topics)
			.bind("outboxKeys", keys)
			.bind("outboxTypes", types)
			.bind("outboxSources", sources)
			.bind("outboxSubjects", subjects)
			.bind("outboxTimes", times)
			.bind("outboxPayloads", payloads)
			.bind("outboxTraceParent", Parameter.fromOrEmpty(traceParent, String.class));
	}
}
