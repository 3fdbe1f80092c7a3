/**
 * The transactional outbox: events are written in the same database transaction as the change they describe, and
 * a relay publishes them to Kafka afterwards, so no change is ever committed without its event or the reverse.
 */
@NullMarked
package dev.tandem.outbox;

import org.jspecify.annotations.NullMarked;
