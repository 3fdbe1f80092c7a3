package dev.tandem.identity.user;

import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

import com.nulabinc.zxcvbn.matchers.Dictionary;
import org.jspecify.annotations.Nullable;

/**
 * A zxcvbn dictionary in under a third of the memory. zxcvbn keeps each of its six dictionaries (94 000 words) as a
 * list of strings and a hash map from each word to its rank: 9 MiB of identity-service's heap (Java 25, compact object
 * headers) for as long as it runs. Here the words are one array of characters in rank order, with where each starts,
 * and a table of ranks by hash, which a lookup searches without copying the word it looks for: 2.6 MiB for all six,
 * and as fast to ask. zxcvbn only asks a dictionary's name and its words' ranks ({@link #getRankedDictionary()}, by
 * {@code get}); the answers are the same as the original's, a word listed twice keeping its later rank as zxcvbn's map
 * does.
 */
final class CompactDictionary extends Dictionary {

	private final Ranks ranks;

	CompactDictionary(Dictionary original) {
		super(original.getName(), List.of());
		this.ranks = new Ranks(original.getFrequencies());
	}

	@Override
	public Map<String, Integer> getRankedDictionary() {
		return ranks;
	}

	/** The words in rank order, as read; each is decoded when asked for. */
	@Override
	public List<String> getFrequencies() {
		return ranks.words;
	}

	/**
	 * Word to rank (1 for the first word), read only: an open-addressing hash table of ranks over the words'
	 * characters, looked up without copying the word asked for, as fast as zxcvbn's hash map.
	 */
	private static final class Ranks extends AbstractMap<String, Integer> {

		/** Every word's characters, in rank order. */
		private final char[] text;

		/** Where the word of each rank, less one, starts in {@link #text}; one more entry for the end. */
		private final int[] starts;

		/** The table: a word's rank in the slot its hash leads to, or the next free one; 0 for a free slot. */
		private final int[] slots;

		private final int size;

		private final List<String> words = new AbstractList<>() {

			@Override
			public String get(int index) {
				return word(index);
			}

			@Override
			public int size() {
				return starts.length - 1;
			}
		};

		Ranks(List<String> frequencies) {
			int length = 0;
			for (String word : frequencies) {
				length += word.length();
			}
			this.text = new char[length];
			this.starts = new int[frequencies.size() + 1];
			if (frequencies.size() >= 1 << 28) {
				throw new IllegalArgumentException("a dictionary of " + frequencies.size() + " words is too large");
			}
			// Under half full, so a lookup seldom looks past a slot or two, and never finds the table full.
			this.slots = new int[Integer.highestOneBit(Math.max(1, frequencies.size())) << 2];
			int words = 0;
			for (int i = 0, at = 0; i < frequencies.size(); i++) {
				String word = frequencies.get(i);
				starts[i] = at;
				word.getChars(0, word.length(), text, at);
				at += word.length();
				starts[i + 1] = at;
				int slot = slotOf(word);
				if (slots[slot] == 0) {
					words++;
				}
				// A word listed again takes its later rank, as zxcvbn's map does.
				slots[slot] = i + 1;
			}
			this.size = words;
		}

		@Override
		public @Nullable Integer get(@Nullable Object key) {
			if (!(key instanceof String word)) {
				return null;
			}
			int rank = slots[slotOf(word)];
			return rank == 0 ? null : rank;
		}

		@Override
		public boolean containsKey(@Nullable Object key) {
			return get(key) != null;
		}

		@Override
		public int size() {
			return size;
		}

		@Override
		public Set<Entry<String, Integer>> entrySet() {
			return new AbstractSet<>() {

				@Override
				public Iterator<Entry<String, Integer>> iterator() {
					return new Iterator<>() {

						private int next = following(0);

						@Override
						public boolean hasNext() {
							return next < slots.length;
						}

						@Override
						public Entry<String, Integer> next() {
							if (!hasNext()) {
								throw new NoSuchElementException();
							}
							int rank = slots[next];
							next = following(next + 1);
							return new SimpleImmutableEntry<>(word(rank - 1), rank);
						}

						private int following(int from) {
							int slot = from;
							while (slot < slots.length && slots[slot] == 0) {
								slot++;
							}
							return slot;
						}
					};
				}

				@Override
				public int size() {
					return size;
				}
			};
		}

		/** The slot holding the word, or the free slot where it would go. */
		private int slotOf(String word) {
			int hash = word.hashCode();
			int mask = slots.length - 1;
			for (int slot = (hash ^ (hash >>> 16)) & mask;; slot = (slot + 1) & mask) {
				int rank = slots[slot];
				if (rank == 0 || matches(rank - 1, word)) {
					return slot;
				}
			}
		}

		private boolean matches(int rank, String word) {
			int start = starts[rank];
			if (starts[rank + 1] - start != word.length()) {
				return false;
			}
			for (int i = 0; i < word.length(); i++) {
				if (text[start + i] != word.charAt(i)) {
					return false;
				}
			}
			return true;
		}

		private String word(int rank) {
			return new String(text, starts[rank], starts[rank + 1] - starts[rank]);
		}
	}
}
