package dev.tandem.support.data;

import io.r2dbc.spi.R2dbcException;

/**
 * Whether a failure is the database refusing the data itself, which no retry changes, as opposed to a failure of the
 * moment (a lost connection, no free connection in the pool, a lock waited for too long), which a retry may get past.
 */
public final class DataRefusals {

	private DataRefusals() {
	}

	/**
	 * Whether the first driver exception among the causes has SQLSTATE class 22 (data exception), 23 (integrity
	 * constraint violation, such as a unique index) or 54 (program limit exceeded, such as an index row too large).
	 */
	public static boolean refusedAsData(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof R2dbcException database && database.getSqlState() != null) {
				String state = database.getSqlState();
				return state.startsWith("22") || state.startsWith("23") || state.startsWith("54");
			}
		}
		return false;
	}
}
