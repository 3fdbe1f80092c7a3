package dev.tandem.support.web;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class VersionTagsTests {

	@Test
	void tagsAVersionAsAStrongEntityTag() {
		assertThat(VersionTags.etag(3)).isEqualTo("\"3\"");
	}

	@Test
	void tagsAVersionWeaklyWhereTheAnswerHoldsMoreThanTheVersion() {
		assertThat(VersionTags.weakEtag(3)).isEqualTo("W/\"3\"");
		assertThat(VersionTags.matches(VersionTags.weakEtag(3), 3)).isTrue();
	}

	@Test
	void allowsAChangeThatNamesTheCurrentVersionAmongItsTags() {
		assertThat(VersionTags.matches("\"3\"", 3)).isTrue();
		assertThat(VersionTags.matches("\"1\", \"3\"", 3)).isTrue();
		assertThat(VersionTags.matches("*", 3)).isTrue();
	}

	@Test
	void takesAWeakTagAsItsStrongOneSinceGatewaysWeakenTags() {
		assertThat(VersionTags.matches("W/\"3\"", 3)).isTrue();
	}

	@Test
	void refusesAnyOtherVersionAndWhatIsNoTag() {
		assertThat(VersionTags.matches("\"2\"", 3)).isFalse();
		assertThat(VersionTags.matches("\"2\", W/\"4\"", 3)).isFalse();
		assertThat(VersionTags.matches("3", 3)).isFalse();
		assertThat(VersionTags.matches("garbage", 3)).isFalse();
		assertThat(VersionTags.matches("\"33\"", 3)).isFalse();
	}
}
