package dev.tandem.outbox;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.NoTransactionException;
import org.springframework.transaction.reactive.TransactionSynchronization;
import org.springframework.transaction.reactive.TransactionSynchronizationManager;

/**
 * Wakes the relay once a change that appended events has committed, so that its events leave within milliseconds
 * rather than at the relay's next poll. When this replica relays, its relay is woken in memory; otherwise this replica
 * sends the relaying one a {@code NOTIFY} on the outbox channel, in a statement of its own after the commit, one at a
 * time: commits that come while one is on its way are all answered by a single one after it.
 *
 * <p>Not a {@code NOTIFY} inside the change's own transaction. PostgreSQL puts the notifications of committing
 * transactions in order by holding one lock for the whole server (every database on it) from before a commit's log
 * flush to after it, so every transaction that notifies waits for the flushes of all the others: with durable commits,
 * writers that notify commit one at a time. The profile edit's statements ran at 1 900 to 2 700 a second with a
 * notification in each and 7 600 to 9 400 without (docs/benchmarks.md, item 52). The notification here is in a
 * transaction that writes nothing durable, committed without waiting for the disk, so it holds that lock only for a
 * moment.
 *
 * <p>A wake-up is a hint, never the guarantee: one lost (a crash between the commit and it, the database away) leaves
 * the event in the queue, where the relay's poll ({@code tandem.outbox.poll-interval}) finds it.
 */
public final class RelayWakeUps {

	private static final Logger log = LoggerFactory.getLogger(RelayWakeUps.class);

	/** Sent in a transaction of its own, whose commit does not wait for the disk: it changed nothing durable. */
	private static final String NOTIFY = "select pg_notify('" + OutboxRelay.CHANNEL
			+ "', ''), set_config('synchronous_commit', 'off', true)";

	private static final Duration NOTIFY_TIMEOUT = Duration.ofSeconds(5);

	private static final int IDLE = 0;

	private static final int SENDING = 1;

	private static final int SENDING_AGAIN = 2;

	private final @Nullable OutboxRelay relay;

	private final DatabaseClient database;

	private final AtomicInteger notifying = new AtomicInteger(IDLE);

	/**
	 * @param relay this replica's relay, or null if none runs here
	 * @param database where to send the notification when another replica relays
	 */
	public RelayWakeUps(@Nullable OutboxRelay relay, DatabaseClient database) {
		this.relay = relay;
		this.database = database;
	}

	/**
	 * Wakes the relay when the caller's transaction commits, or at once if the caller runs in none: then the
	 * statement that appended has committed by the time it answered. A transaction rolled back wakes nobody.
	 */
	Mono<Void> wakeOnceCommitted() {
		return TransactionSynchronizationManager.forCurrentTransaction()
			.filter(TransactionSynchronizationManager::isSynchronizationActive)
			.doOnNext(transaction -> transaction.registerSynchronization(new AtCommit()))
			.onErrorComplete(NoTransactionException.class)
			.hasElement()
			.doOnNext(inTransaction -> {
				if (!inTransaction) {
					wake();
				}
			})
			.then();
	}

	/** Wakes the relay now: this replica's own, or the relaying replica's through the database. */
	public void wake() {
		OutboxRelay local = relay;
		if (local != null && local.isLeader()) {
			local.wake();
			return;
		}
		if (notifying.getAndUpdate(state -> state == IDLE ? SENDING : SENDING_AGAIN) == IDLE) {
			notifyRelay();
		}
	}

	/**
	 * Sends one notification; subscribed on its own, outside the context of the change that asked for it. A
	 * notification that does not come back in time (a connection whose peer vanished) counts as sent, so the next
	 * commit's wake-up is not held behind it.
	 */
	private void notifyRelay() {
		try {
			database.sql(NOTIFY).then().timeout(NOTIFY_TIMEOUT).subscribe(null, failure -> {
				log.debug("Could not notify the outbox relay; its poll will find the events: {}", failure.toString());
				sent();
			}, this::sent);
		}
		catch (RuntimeException ex) {
			log.debug("Could not notify the outbox relay; its poll will find the events: {}", ex.toString());
			sent();
		}
	}

	/** One more if commits came while it was on its way: their events may have missed the relay's round. */
	private void sent() {
		if (notifying.getAndUpdate(state -> state == SENDING_AGAIN ? SENDING : IDLE) == SENDING_AGAIN) {
			notifyRelay();
		}
	}

	private final class AtCommit implements TransactionSynchronization {

		@Override
		public Mono<Void> afterCommit() {
			return Mono.fromRunnable(RelayWakeUps.this::wake);
		}
	}
}
