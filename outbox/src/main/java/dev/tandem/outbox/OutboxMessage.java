package dev.tandem.outbox;

import dev.tandem.events.EventEnvelope;

/**
 * One event to append: where it goes, its CloudEvents attributes and its JSON data.
 */
public record OutboxMessage(String topic, String key, EventEnvelope envelope, byte[] data) {
}
