package dev.tandem.support.logging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;

/**
 * A warning that an outage repeats for every request it meets (thousands a minute while the database is down, say):
 * logged at most once per interval, each one saying how many were not logged since the last; those go to the debug
 * level.
 */
public final class RateLimitedWarnings {

	private final Logger log;

	private final Duration every;

	private final String counted;

	private final Clock clock;

	private final AtomicReference<Instant> next = new AtomicReference<>(Instant.MIN);

	private final AtomicLong unlogged = new AtomicLong();

	/**
	 * @param counted what the warnings are about, in the plural, for the count of those not logged ({@code 503s})
	 */
	public RateLimitedWarnings(Logger log, Duration every, String counted, Clock clock) {
		this.log = log;
		this.every = every;
		this.counted = counted;
		this.clock = clock;
	}

	/** Logs {@code message} and the failure in one line, as {@code message: failure}. */
	public void warn(String message, Throwable failure) {
		if (due()) {
			log.warn("{}{}: {}", message, sinceLast(), failure.toString());
		}
		else {
			log.debug("{}: {}", message, failure.toString());
		}
	}

	/** Logs {@code message} with the failure's stack trace. */
	public void warnWithStackTrace(String message, Throwable failure) {
		if (due()) {
			log.warn(message + sinceLast(), failure);
		}
		else {
			log.debug(message, failure);
		}
	}

	/** Whether this warning is to be logged; if not, it is counted. */
	private boolean due() {
		Instant now = clock.instant();
		Instant due = next.get();
		if (now.isBefore(due) || !next.compareAndSet(due, now.plus(every))) {
			unlogged.incrementAndGet();
			return false;
		}
		return true;
	}

	private String sinceLast() {
		long since = unlogged.getAndSet(0);
		return since == 0 ? "" : " (" + since + " more " + counted + " since the last warning)";
	}
}
