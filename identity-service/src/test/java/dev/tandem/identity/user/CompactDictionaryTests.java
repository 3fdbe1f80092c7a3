package dev.tandem.identity.user;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.nulabinc.zxcvbn.StandardDictionaries;
import com.nulabinc.zxcvbn.StandardKeyboards;
import com.nulabinc.zxcvbn.Strength;
import com.nulabinc.zxcvbn.Zxcvbn;
import com.nulabinc.zxcvbn.ZxcvbnBuilder;
import com.nulabinc.zxcvbn.matchers.Dictionary;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CompactDictionaryTests {

	@Test
	void ranksEveryWordOfZxcvbnsDictionariesAsZxcvbnDoes() throws IOException {
		for (Dictionary original : StandardDictionaries.loadAllDictionaries()) {
			CompactDictionary compact = new CompactDictionary(original);
			Map<String, Integer> ranks = compact.getRankedDictionary();

			assertThat(compact.getName()).isEqualTo(original.getName());
			assertThat(ranks).hasSameSizeAs(original.getRankedDictionary());
			original.getRankedDictionary().forEach((word, rank) -> {
				assertThat(ranks.get(word)).as(word).isEqualTo(rank);
				// Near misses, which probe the table past other words: whatever zxcvbn's map says of them.
				for (String near : List.of(word + "\0", word.substring(0, word.length() - 1),
						word.substring(0, word.length() - 1) + (char) (word.charAt(word.length() - 1) + 1))) {
					assertThat(ranks.get(near)).as(near).isEqualTo(original.getRankedDictionary().get(near));
				}
			});
			assertThat(ranks.get(null)).isNull();
			assertThat(new HashMap<>(ranks)).isEqualTo(original.getRankedDictionary());
			assertThat(compact.getFrequencies()).isEqualTo(original.getFrequencies());
		}
	}

	@Test
	void knowsNoWordItWasNotGiven() {
		CompactDictionary compact = new CompactDictionary(new Dictionary("test", List.of("m", "b", "é", "z", "a")));

		assertThat(compact.getRankedDictionary().get("c")).isNull();
		assertThat(compact.getRankedDictionary().get("")).isNull();
		assertThat(compact.getRankedDictionary().get("zz")).isNull();
		assertThat(compact.getRankedDictionary().get("e")).isNull();
		assertThat(compact.getRankedDictionary().containsKey("a")).isTrue();
		assertThat(compact.getRankedDictionary().containsKey(42)).isFalse();
		assertThat(compact.getRankedDictionary()).containsExactlyInAnyOrderEntriesOf(
				Map.of("m", 1, "b", 2, "é", 3, "z", 4, "a", 5));
	}

	@Test
	void keepsTheLaterRankOfAWordListedTwiceAsZxcvbnDoes() {
		Dictionary original = new Dictionary("test", List.of("a", "b", "a", "c"));

		assertThat(new CompactDictionary(original).getRankedDictionary()).isEqualTo(original.getRankedDictionary())
			.containsEntry("a", 3)
			.hasSize(3);
	}

	@Test
	void givesZxcvbnTheSameEstimatesAsItsOwnDictionaries() throws IOException {
		List<Dictionary> originals = StandardDictionaries.loadAllDictionaries();
		Zxcvbn own = new ZxcvbnBuilder().dictionaries(originals).keyboards(StandardKeyboards.loadAllKeyboards()).build();
		Zxcvbn compact = new ZxcvbnBuilder().dictionaries(originals.stream().<Dictionary>map(CompactDictionary::new).toList())
			.keyboards(StandardKeyboards.loadAllKeyboards())
			.build();

		for (String password : List.of("password1", "correct horse battery staple", "Tr0ub4dour&3", "jennifer1987",
				"qwertyuiop", "alice-liddell-1865", "zxcvbnm", "ÉléphantRose42", "monkeyletmein")) {
			Strength expected = own.measure(password, List.of("alice", "alice@example.com"));
			Strength actual = compact.measure(password, List.of("alice", "alice@example.com"));
			assertThat(actual.getScore()).as(password).isEqualTo(expected.getScore());
			assertThat(actual.getGuesses()).as(password).isEqualTo(expected.getGuesses());
		}
	}
}
