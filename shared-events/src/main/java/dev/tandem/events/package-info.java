/**
 * The envelope every Tandem event travels in: CloudEvents 1.0 in Kafka binary mode, JSON data.
 */
@NullMarked
package dev.tandem.events;

import org.jspecify.annotations.NullMarked;
