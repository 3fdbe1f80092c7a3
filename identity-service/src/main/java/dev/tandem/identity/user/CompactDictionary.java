package dev.tandem.identity.user;

import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

import com.nulabinc.zxcvbn.matchers.Dictionary;
import org.jspecify.annotations.Nullable;

/**
 * A zxcvbn dictionary in a tenth of the memory. zxcvbn keeps each of its six dictionaries (94 000 words) as a list of
 * strings and a hash map from each word to its rank, some 10 MiB of identity-service's heap for as long as it runs.
 * Here the words are one array of UTF-8 bytes in rank order, with where each starts, and their positions sorted by
 * their bytes, which a lookup searches: about 1.4 MiB for all six. zxcvbn only asks a dictionary's name and its
 * words' ranks ({@link #getRankedDictionary()}, by {@code get}); the answers are the same as the original's, a word
 * listed twice keeping its later rank as zxcvbn's map does.
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

	/** Word to rank (1 for the first word), read only. */
	private static final class Ranks extends AbstractMap<String, Integer> {

		/** Every word's UTF-8 bytes, in rank order. */
		private final byte[] text;

		/** Where the word of each rank, less one, starts in {@link #text}; one more entry for the end. */
		private final int[] starts;

		/** The ranks less one, ordered by their words' bytes (unsigned); of a word listed twice, only the later. */
		private final int[] sorted;

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
			byte[][] encoded = new byte[frequencies.size()][];
			int length = 0;
			for (int i = 0; i < encoded.length; i++) {
				encoded[i] = frequencies.get(i).getBytes(StandardCharsets.UTF_8);
				length += encoded[i].length;
			}
			this.text = new byte[length];
			this.starts = new int[encoded.length + 1];
			for (int i = 0, at = 0; i < encoded.length; i++) {
				starts[i] = at;
				System.arraycopy(encoded[i], 0, text, at, encoded[i].length);
				at += encoded[i].length;
				starts[i + 1] = at;
			}
			Integer[] order = new Integer[encoded.length];
			Arrays.setAll(order, i -> i);
			Arrays.sort(order, (a, b) -> {
				int byWord = Arrays.compareUnsigned(encoded[a], encoded[b]);
				return byWord != 0 ? byWord : Integer.compare(a, b);
			});
			int[] kept = new int[order.length];
			int count = 0;
			for (int i = 0; i < order.length; i++) {
				boolean listedAgainLater = i + 1 < order.length
						&& Arrays.equals(encoded[order[i]], encoded[order[i + 1]]);
				if (!listedAgainLater) {
					kept[count++] = order[i];
				}
			}
			this.sorted = Arrays.copyOf(kept, count);
		}

		@Override
		public @Nullable Integer get(@Nullable Object key) {
			int found = key instanceof String word ? find(word.getBytes(StandardCharsets.UTF_8)) : -1;
			return found < 0 ? null : found + 1;
		}

		@Override
		public boolean containsKey(@Nullable Object key) {
			return get(key) != null;
		}

		@Override
		public int size() {
			return sorted.length;
		}

		@Override
		public Set<Entry<String, Integer>> entrySet() {
			return new AbstractSet<>() {

				@Override
				public Iterator<Entry<String, Integer>> iterator() {
					return new Iterator<>() {

						private int next;

						@Override
						public boolean hasNext() {
							return next < sorted.length;
						}

						@Override
						public Entry<String, Integer> next() {
							if (!hasNext()) {
								throw new NoSuchElementException();
							}
							int rank = sorted[next++];
							return new SimpleImmutableEntry<>(word(rank), rank + 1);
						}
					};
				}

				@Override
				public int size() {
					return sorted.length;
				}
			};
		}

		/** The rank less one of the word with these bytes, or -1. */
		private int find(byte[] word) {
			int low = 0;
			int high = sorted.length - 1;
			while (low <= high) {
				int middle = (low + high) >>> 1;
				int rank = sorted[middle];
				int comparison = Arrays.compareUnsigned(text, starts[rank], starts[rank + 1], word, 0, word.length);
				if (comparison < 0) {
					low = middle + 1;
				}
				else if (comparison > 0) {
					high = middle - 1;
				}
				else {
					return rank;
				}
			}
			return -1;
		}

		private String word(int rank) {
			return new String(text, starts[rank], starts[rank + 1] - starts[rank], StandardCharsets.UTF_8);
		}
	}
}
