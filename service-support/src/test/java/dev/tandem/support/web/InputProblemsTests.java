package dev.tandem.support.web;

import java.lang.reflect.Method;
import java.time.DayOfWeek;
import java.util.UUID;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.junit.jupiter.api.Test;

import org.springframework.core.MethodParameter;

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

	@Test
	void givesAWholeNumbersOwnBoundsWhenItsParameterHasThem() throws Exception {
		Method search = Parameters.class.getDeclaredMethod("search", int.class, int.class);

		assertThat(InputProblems.expected(new MethodParameter(search, 0))).isEqualTo("a whole number from 1 to 100");
		assertThat(InputProblems.expected(new MethodParameter(search, 1)))
			.isEqualTo("a whole number from -2147483648 to 2147483647");
	}

	static class Parameters {

		void search(@Min(1) @Max(100) int size, int page) {
		}
	}
}
