-- The W3C traceparent of the change that wrote the event, so the relay's publish and the consumers continue its trace.
alter table outbox add column trace_parent text;
