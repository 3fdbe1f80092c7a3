package dev.tandem.support.logging;

import java.time.Duration;
import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tandem.support.testing.SteppedClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimitedWarningsTests {

	private final Logger logger = (Logger) LoggerFactory.getLogger(RateLimitedWarningsTests.class);

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	private final SteppedClock clock = new SteppedClock();

	private final RateLimitedWarnings warnings = new RateLimitedWarnings(logger, Duration.ofSeconds(10), "failures",
			clock);

	@BeforeEach
	void listen() {
		logger.setLevel(Level.DEBUG);
		appender.start();
		logger.addAppender(appender);
	}

	@AfterEach
	void stopListening() {
		logger.detachAppender(appender);
		logger.setLevel(null);
	}

	@Test
	void warnsOnceAnIntervalAndCountsWhatItLoggedOnlyForDebugging() {
		IllegalStateException failure = new IllegalStateException("connection refused");
		for (int i = 0; i < 4; i++) {
			warnings.warn("A request failed", failure);
			clock.now = clock.now.plusSeconds(2);
		}
		clock.now = clock.now.plusSeconds(2);
		warnings.warn("A request failed", failure);

		assertThat(appender.list).extracting(ILoggingEvent::getLevel)
			.containsExactly(Level.WARN, Level.DEBUG, Level.DEBUG, Level.DEBUG, Level.WARN);
		List<String> warned = warned();
		assertThat(warned.get(0)).isEqualTo("A request failed: java.lang.IllegalStateException: connection refused");
		assertThat(warned.get(1))
			.isEqualTo("A request failed (3 more failures since the last warning): "
					+ "java.lang.IllegalStateException: connection refused");
		assertThat(appender.list).allSatisfy(event -> assertThat(event.getThrowableProxy()).isNull());
	}

	@Test
	void givesEachLoggedWarningItsStackTrace() {
		IllegalStateException failure = new IllegalStateException("connection refused");
		warnings.warnWithStackTrace("A transaction failed", failure);
		warnings.warnWithStackTrace("A transaction failed", failure);
		clock.now = clock.now.plusSeconds(10);
		warnings.warnWithStackTrace("A transaction failed", failure);

		assertThat(warned()).containsExactly("A transaction failed",
				"A transaction failed (1 more failures since the last warning)");
		assertThat(appender.list).filteredOn(event -> event.getLevel() == Level.WARN)
			.allSatisfy(event -> assertThat(event.getThrowableProxy().getMessage()).isEqualTo("connection refused"));
	}

	@Test
	void keepsEachKindOfWarningApart() {
		warnings.warn("A request failed", new IllegalStateException("connection refused"));
		warnings.warn("A request failed", new IllegalArgumentException("a bug"));
		warnings.warn("Another thing failed", new IllegalStateException("connection refused"));
		warnings.warn("A request failed", new IllegalStateException("connection refused"));

		assertThat(warned()).containsExactly("A request failed: java.lang.IllegalStateException: connection refused",
				"A request failed: java.lang.IllegalArgumentException: a bug",
				"Another thing failed: java.lang.IllegalStateException: connection refused");
	}

	@Test
	void aClockSetBackDoesNotSilenceWarnings() {
		IllegalStateException failure = new IllegalStateException("connection refused");
		warnings.warn("A request failed", failure);
		clock.now = clock.now.minus(Duration.ofHours(1));
		warnings.warn("A request failed", failure);

		assertThat(warned()).hasSize(2);
	}

	private List<String> warned() {
		return appender.list.stream()
			.filter(event -> event.getLevel() == Level.WARN)
			.map(ILoggingEvent::getFormattedMessage)
			.toList();
	}
}
