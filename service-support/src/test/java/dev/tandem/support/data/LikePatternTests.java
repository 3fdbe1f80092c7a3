package dev.tandem.support.data;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LikePatternTests {

	@Test
	void matchesTextContainingTheQueryWhateverItsCase() {
		assertThat(LikePattern.containing("  Alice ")).isEqualTo("%alice%");
	}

	@Test
	void takesTheUsersWildcardsLiterally() {
		assertThat(LikePattern.containing("100%_off\\")).isEqualTo("%100\\%\\_off\\\\%");
	}

	@Test
	void matchesEverythingForAnEmptyQuery() {
		assertThat(LikePattern.containing("")).isEqualTo("%%");
	}
}
