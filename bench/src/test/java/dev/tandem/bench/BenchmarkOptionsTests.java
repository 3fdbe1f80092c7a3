package dev.tandem.bench;

import java.nio.file.Path;

import dev.tandem.bench.Benchmark.Measure;
import dev.tandem.bench.Benchmark.Options;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class BenchmarkOptionsTests {

	private static final Path REPOSITORY = Path.of("/repository");

	@Test
	void measuresEverythingAtFullSizeIntoTheTrackedResultsByDefault() {
		Options options = Options.of(new String[0], REPOSITORY);

		assertThat(options.measures()).containsExactlyInAnyOrder(Measure.values());
		assertThat(options.whole()).isTrue();
		assertThat(options.bulkUsers()).isEqualTo(100_000);
		assertThat(options.latencyUsers()).isEqualTo(10_000);
		assertThat(options.results()).isEqualTo(REPOSITORY.resolve("bench/results"));
	}

	@Test
	void quickRunsMeasureEverythingWithSmallNumbers() {
		Options options = Options.of(new String[] { "--quick" }, REPOSITORY);

		assertThat(options.measures()).containsExactlyInAnyOrder(Measure.values());
		assertThat(options.bulkUsers()).isEqualTo(5_000);
	}

	@Test
	void aRunOfSomeMeasuresWritesOutsideTheTrackedResults() {
		Options options = Options.of(new String[] { "--only", "reads,start-up" }, REPOSITORY);

		assertThat(options.measures()).containsExactlyInAnyOrder(Measure.READS, Measure.START_UP);
		assertThat(options.whole()).isFalse();
		assertThat(options.includes(Measure.READS)).isTrue();
		assertThat(options.includes(Measure.WRITES)).isFalse();
		assertThat(options.results()).isEqualTo(REPOSITORY.resolve("bench/target/results"));
		assertThat(options.bulkUsers()).isEqualTo(100_000);
	}

	@Test
	void takesTheMeasuresAfterAnEqualsSignAndBesideQuick() {
		Options options = Options.of(new String[] { "--only=writes, memory", "--quick" }, REPOSITORY);

		assertThat(options.measures()).containsExactlyInAnyOrder(Measure.WRITES, Measure.MEMORY);
		assertThat(options.bulkUsers()).isEqualTo(5_000);
	}

	@Test
	void listingEveryMeasureIsAWholeRun() {
		Options options = Options.of(new String[] { "--only", "propagation,bulk,reads,writes,memory,floor,start-up" },
				REPOSITORY);

		assertThat(options.whole()).isTrue();
		assertThat(options.results()).isEqualTo(REPOSITORY.resolve("bench/results"));
	}

	@Test
	void refusesAMeasureItDoesNotKnowAndNamesTheOnesItDoes() {
		assertThatIllegalArgumentException().isThrownBy(() -> Options.of(new String[] { "--only", "read" }, REPOSITORY))
			.withMessageContaining("'read'")
			.withMessageContaining("reads, writes");
	}

	@Test
	void refusesAnEmptyListAndUnknownArguments() {
		assertThatIllegalArgumentException().isThrownBy(() -> Options.of(new String[] { "--only" }, REPOSITORY))
			.withMessageContaining("one measure or more");
		assertThatIllegalArgumentException().isThrownBy(() -> Options.of(new String[] { "--fast" }, REPOSITORY))
			.withMessageContaining("'--fast'");
	}
}
