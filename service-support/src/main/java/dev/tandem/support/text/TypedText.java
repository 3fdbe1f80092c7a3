package dev.tandem.support.text;

import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import org.jspecify.annotations.Nullable;

/**
 * Text a person types: anything but control characters (C0 and C1, as {@link Character#isISOControl} has them;
 * PostgreSQL cannot store NUL, and the others only hide what a name says) and unpaired surrogates, which are no
 * Unicode at all (the database driver would store each as "?", so the stored value would differ from the answer).
 * Text of several lines may also hold line breaks and tabs.
 */
public final class TypedText {

	/** What a value that breaks the rule is told. */
	public static final String MESSAGE = "must not contain control characters or unpaired surrogates";

	/** The rule for one line as a regular expression, as API descriptions state it. */
	public static final String PATTERN = "[^\\p{Cc}\\p{Cs}]*";

	private TypedText() {
	}

	/** Whether {@code text} is text of one line a person could have typed. */
	public static boolean isTyped(CharSequence text) {
		return isTyped(text, false);
	}

	/** Whether {@code text} could have been typed; with {@code multiLine}, line breaks and tabs are allowed too. */
	public static boolean isTyped(CharSequence text, boolean multiLine) {
		return text.codePoints()
			.noneMatch(c -> Character.getType(c) == Character.SURROGATE
					|| Character.isISOControl(c) && !(multiLine && (c == '\n' || c == '\r' || c == '\t')));
	}

	/** Checks {@link Typed} values; a null value is valid, as for the standard constraints. */
	public static final class Validator implements ConstraintValidator<Typed, CharSequence> {

		@Override
		public boolean isValid(@Nullable CharSequence value, ConstraintValidatorContext context) {
			return value == null || isTyped(value);
		}
	}
}
