/**
 * Starts Tandem on one machine without Docker: a real PostgreSQL and a real KRaft Kafka broker from Maven Central
 * artifacts, and both services as separate processes, for the local run and for end-to-end tests.
 */
@NullMarked
package dev.tandem.localstack;

import org.jspecify.annotations.NullMarked;
