package dev.tandem.support.data;

import java.util.Locale;

/**
 * A search text as a SQL {@code LIKE} pattern: a case-insensitive "contains", with the user's own {@code %},
 * {@code _} and {@code \} matched literally rather than as wildcards.
 */
public final class LikePattern {

	private LikePattern() {
	}

	/** The pattern matching lower-cased text that contains {@code query}, stripped and lower-cased. */
	public static String containing(String query) {
		String escaped = query.strip()
			.toLowerCase(Locale.ROOT)
			.replace("\\", "\\\\")
			.replace("%", "\\%")
			.replace("_", "\\_");
		return "%" + escaped + "%";
	}
}
