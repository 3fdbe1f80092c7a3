package dev.tandem.outbox;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;
import reactor.util.context.ContextView;

/**
 * Carries a trace across the outbox: the {@code traceparent} (W3C Trace Context) of the change is stored with its
 * event, and the relay publishes the event in a span continuing that trace, with the span's context in the Kafka
 * headers, so one trace runs from the request through the relay into every consumer.
 */
public final class TraceContext {

	static final String TRACEPARENT = "traceparent";

	// clearMissing: without an observation in the context, none is current for the read, whatever the thread had.
	private static final ContextSnapshotFactory SNAPSHOTS = ContextSnapshotFactory.builder().clearMissing(true).build();

	private final Tracer tracer;

	private final Propagator propagator;

	public TraceContext(Tracer tracer, Propagator propagator) {
		this.tracer = tracer;
		this.propagator = propagator;
	}

	/**
	 * The {@code traceparent} of the span current in a Reactor context, or null outside any trace. The services
	 * propagate context in Reactor's limited mode (thread locals are not restored around every operator), so the
	 * observation is taken from the subscriber's context and made current just for this read.
	 */
	@Nullable String current(ContextView context) {
		try (ContextSnapshot.Scope scope = SNAPSHOTS.setThreadLocalsFrom(context, ObservationThreadLocalAccessor.KEY)) {
			return current();
		}
	}

	/** The {@code traceparent} of the span current on this thread, or null outside any trace. */
	@Nullable String current() {
		Span span = tracer.currentSpan();
		if (span == null) {
			return null;
		}
		Map<String, String> carrier = new HashMap<>();
		propagator.inject(span.context(), carrier, Map::put);
		return carrier.get(TRACEPARENT);
	}

	/**
	 * Starts a span continuing the stored trace and puts its context into the record's headers; the caller ends it.
	 */
	Span publishing(String traceParent, String name, Headers headers) {
		Span span = propagator.extract(Map.of(TRACEPARENT, traceParent), Map::get)
			.name(name)
			.kind(Span.Kind.PRODUCER)
			.start();
		propagator.inject(span.context(), headers,
				(carrier, key, value) -> carrier.remove(key).add(key, value.getBytes(StandardCharsets.UTF_8)));
		return span;
	}
}
