package dev.tandem.identity.token;

import java.time.Instant;
import java.util.function.Supplier;

import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;

/**
 * Deletes the expired rows of a table 10 000 per statement, so a first clean-up of a large table holds no lock for
 * long, skipping rows another transaction holds: they are left for the next pass.
 */
final class ExpiredRows {

	static final int BATCH = 10_000;

	private ExpiredRows() {
	}

	/**
	 * @param table the table, with {@code key} its primary key and {@code expiry} the time past which a row goes; names
	 *        of this code's own, never input
	 * @return how many rows went
	 */
	static Mono<Long> delete(DatabaseClient database, String table, String key, String expiry, Instant now) {
		String sql = "delete from " + table + " where " + key + " in (select " + key + " from " + table + " where "
				+ expiry + " < :now limit :batch for update skip locked)";
		Supplier<Mono<Long>> batch = () -> database.sql(sql).bind("now", now).bind("batch", BATCH).fetch().rowsUpdated();
		return batch.get().expand(deleted -> deleted == BATCH ? batch.get() : Mono.empty()).reduce(0L, Long::sum);
	}
}
