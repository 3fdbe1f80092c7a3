package dev.tandem.identity.outbox;

import java.util.UUID;

import org.springframework.r2dbc.core.DatabaseClient;

/** The outbox's queue of events waiting for the relay, as the tests look at it. */
final class OutboxQueue {

	private OutboxQueue() {
	}

	/** Whether every event about the user has left the queue: the broker acknowledged it. */
	static boolean publishedAllOf(DatabaseClient database, UUID userId) {
		return Boolean.TRUE.equals(database
			.sql("select not exists (select 1 from outbox_pending p where p.position = o.position) "
					+ "from outbox o where message_key = :key")
			.bind("key", userId.toString())
			.map(row -> row.get(0, Boolean.class))
			.one()
			.block());
	}
}
