package dev.tandem.support.logging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;

/**
 * Warnings that an outage repeats for every request it meets (thousands a minute while the database is down, say):
 * each kind of warning (its message and the failure's class) logged at most once per interval, saying how many of
 * that kind were not logged since the last; those go to the debug level. Kinds are kept apart so that one failure's
 * warnings never hide the first of another's.
 */
public final class RateLimitedWarnings {

	private final Logger log;

	private final Duration every;

	private final String counted;

	private final Clock clock;

	private final Map<Kind, Window> windows = new ConcurrentHashMap<>();

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
		Window window = window(message, failure);
		if (window.due(clock.instant(), every)) {
			log.warn("{}{}: {}", message, window.sinceLast(counted), failure.toString());
		}
		else {
			log.debug("{}: {}", message, failure.toString());
		}
	}

	/** Logs {@code message} with the failure's stack trace. */
	public void warnWithStackTrace(String message, Throwable failure) {
		Window window = window(message, failure);
		if (window.due(clock.instant(), every)) {
			log.warn("{}{}", message, window.sinceLast(counted), failure);
		}
		else {
			log.debug("{}", message, failure);
		}
	}

	private Window window(String message, Throwable failure) {
		return windows.computeIfAbsent(new Kind(message, failure.getClass()), kind -> new Window());
	}

	private record Kind(String message, Class<?> failure) {
	}

	/** When a kind of warning is next due, and how many of it were not logged meanwhile. */
	private static final class Window {

		private final AtomicReference<Instant> next = new AtomicReference<>(Instant.MIN);

		private final AtomicLong unlogged = new AtomicLong();

		/** Whether this warning is to be logged; if not, it is counted. */
		boolean due(Instant now, Duration every) {
			Instant due = next.get();
			// A due time further off than one interval means the clock was set back: that warning is due now.
			boolean waiting = now.isBefore(due) && !due.isAfter(now.plus(every));
			if (waiting || !next.compareAndSet(due, now.plus(every))) {
				unlogged.incrementAndGet();
				return false;
			}
			return true;
		}

		String sinceLast(String counted) {
			long since = unlogged.getAndSet(0);
			return since == 0 ? "" : " (" + since + " more " + counted + " since the last warning)";
		}
	}
}
