package dev.tandem.support.web;

import java.time.DayOfWeek;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InputProblemsTests {

	@Test
	void describesTheExpectedValueInWordsAClientUnderstands() {
		assertThat(InputProblems.expected(int.class)).isEqualTo("a whole number from -2147483648 to 2147483647");
		assertThat(InputProblems.expected(Long.class)).isEqualTo("a whole number");
		assertThat(InputProblems.expected(boolean.class)).isEqualTo("true or false");
		assertThat(InputProblems.expected(UUID.class)).isEqualTo("a UUID");
		assertThat(InputProblems.expected(DayOfWeek.class)).startsWith("one of MONDAY, TUESDAY");
		assertThat(InputProblems.expected(java.time.LocalDate.class)).isEqualTo("a LocalDate");
		assertThat(InputProblems.expected(java.time.Instant.class)).isEqualTo("an Instant");
	}
}
