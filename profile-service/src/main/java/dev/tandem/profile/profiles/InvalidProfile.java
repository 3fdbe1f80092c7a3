package dev.tandem.profile.profiles;

import java.util.List;

/**
 * A profile change holds values the profile may not store; nothing was changed.
 */
public class InvalidProfile extends RuntimeException {

	private final List<FieldProblem> problems;

	InvalidProfile(List<FieldProblem> problems) {
		super(problems.size() == 1 ? "1 field is invalid." : problems.size() + " fields are invalid.");
		this.problems = List.copyOf(problems);
	}

	public List<FieldProblem> problems() {
		return problems;
	}

	/**
	 * One invalid field: its name, its JSON pointer in the request body, and what is wrong with it. Field names come
	 * from the request, so text PostgreSQL cannot store (NUL, lone surrogates) is replaced by U+FFFD: a problem is
	 * kept with the profile (rejected registration values) and must never fail to be written.
	 */
	public record FieldProblem(String field, String pointer, String message) {

		public FieldProblem {
			field = storable(field);
			pointer = storable(pointer);
			message = storable(message);
		}
	}

	/** {@code text} with every NUL and unpaired surrogate replaced by U+FFFD. */
	static String storable(String text) {
		StringBuilder result = null;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			boolean paired = Character.isHighSurrogate(c) && i + 1 < text.length()
					&& Character.isLowSurrogate(text.charAt(i + 1));
			boolean bad = c == '\0' || (Character.isSurrogate(c) && !paired
					&& !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(text.charAt(i - 1))));
			if (bad && result == null) {
				result = new StringBuilder(text.substring(0, i));
			}
			if (result != null) {
				result.append(bad ? '\uFFFD' : c);
			}
		}
		return result == null ? text : result.toString();
	}

	/** Whether {@code text} holds a NUL or an unpaired surrogate, which PostgreSQL cannot store. */
	static boolean unstorable(String text) {
		return !storable(text).equals(text);
	}
}
