package dev.tandem.support.text;

import java.util.Set;
import java.util.regex.Pattern;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class TypedTextTests {

	private static ValidatorFactory validation;

	@BeforeAll
	static void startValidation() {
		validation = Validation.byDefaultProvider()
			.configure()
			.messageInterpolator(new ParameterMessageInterpolator())
			.buildValidatorFactory();
	}

	@AfterAll
	static void stopValidation() {
		validation.close();
	}

	@Test
	void takesLettersOfAnyScriptAndCharactersOutsideTheBasicPlane() {
		assertThat(TypedText.isTyped("Zoë Ångström 山田 \uD83D\uDE00 (she/her)")).isTrue();
		assertThat(TypedText.isTyped("")).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "a\u0000b", "a\u001bb", "a\u007fb", "a\u0085b", "a\u009fb", "a\nb", "a\tb", "a\rb" })
	void refusesControlCharactersInOneLine(String text) {
		assertThat(TypedText.isTyped(text)).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "a\uD800b", "a\uDC00b", "\uDE00\uD83D", "end\uD83D" })
	void refusesUnpairedSurrogates(String text) {
		assertThat(TypedText.isTyped(text)).isFalse();
		assertThat(TypedText.isTyped(text, true)).isFalse();
	}

	@Test
	void letsTextOfSeveralLinesHoldLineBreaksAndTabsButNoOtherControls() {
		assertThat(TypedText.isTyped("first line\r\nsecond\tline\n", true)).isTrue();
		assertThat(TypedText.isTyped("a\u0000b", true)).isFalse();
		assertThat(TypedText.isTyped("a\u000bb", true)).isFalse();
		assertThat(TypedText.isTyped("a\u0085b", true)).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "Zoë \uD83D\uDE00", "", "a\u0000b", "a\u0085b", "a\nb", "a\uD800b", "\uDE00\uD83D" })
	void statesTheSameRuleAsTheRegularExpressionApiDescriptionsShow(String text) {
		assertThat(Pattern.matches(TypedText.PATTERN, text)).isEqualTo(TypedText.isTyped(text));
	}

	@Test
	void saysWhatIsWrongWhenAnAnnotatedValueBreaksTheRule() {
		Set<ConstraintViolation<Name>> violations = validator().validate(new Name("Ada\u0007"));

		assertThat(violations).extracting(ConstraintViolation::getMessage)
			.containsExactly("must not contain control characters or unpaired surrogates");
		assertThat(violations).extracting(violation -> violation.getPropertyPath().toString())
			.containsExactly("value");
	}

	@Test
	void leavesAbsentAndTypedValuesToTheOtherConstraints() {
		assertThat(validator().validate(new Name(null))).isEmpty();
		assertThat(validator().validate(new Name("Ada Lovelace"))).isEmpty();
	}

	private static Validator validator() {
		return validation.getValidator();
	}

	record Name(@Typed @Nullable String value) {
	}
}
