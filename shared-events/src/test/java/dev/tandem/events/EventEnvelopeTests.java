package dev.tandem.events;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The envelope's ids are time-ordered, so an outbox's unique index on them grows at its end.
 */
class EventEnvelopeTests {

	@Test
	void newIdsAreVersionSevenUuidsCarryingTheCurrentMillisecond() {
		long before = Instant.now().toEpochMilli();

		UUID id = EventEnvelope.newId();

		long after = Instant.now().toEpochMilli();
		assertThat(id.version()).isEqualTo(7);
		assertThat(id.variant()).isEqualTo(2);
		assertThat(id.getMostSignificantBits() >>> 16).isBetween(before, after);
	}

	@Test
	void idsMadeLaterSortLaterInTheDatabasesOrderAndNeverRepeat() {
		List<UUID> ids = new ArrayList<>();
		for (int i = 0; i < 20_000; i++) {
			ids.add(EventEnvelope.newId());
		}

		// PostgreSQL orders uuids by their bytes, unsigned: the order of their lower-case text.
		List<String> texts = ids.stream().map(UUID::toString).toList();
		assertThat(texts).isSorted();
		assertThat(new HashSet<>(ids)).hasSize(ids.size());
	}
}
