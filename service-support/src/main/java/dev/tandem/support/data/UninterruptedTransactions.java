package dev.tandem.support.data;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;

import dev.tandem.support.logging.RateLimitedWarnings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.context.Context;

import org.springframework.transaction.TransactionException;
import org.springframework.transaction.reactive.TransactionCallback;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Transactions that run to their end even when whoever waits for them gives up. A cancelled subscription (a client
 * that hangs up, a timeout) used to reach a transaction between its {@code BEGIN} and its end, and with r2dbc-pool
 * that could leave the pooled connection open in the transaction: its locks held, the connection lost to the pool,
 * or handed to the next caller, whose statements then ran inside the abandoned transaction and never committed
 * (spring-framework#32115, r2dbc-pool#219). Here the transaction is subscribed to on its own, and a caller that
 * cancels only stops waiting: the transaction commits or rolls back as it would have, and gives its connection back
 * clean. That is what a servlet request does when its client hangs up, too. The price: a caller's timeout no longer
 * ends its transaction, so a retry after a timeout may queue behind the attempt it gave up on, and a failure after the
 * caller left reaches only the log (each kind once per 10 s, with how many more there were).
 *
 * <p>A transactional {@link Flux} is collected before its first element is passed on; the services' transactions
 * return a single value.
 */
public final class UninterruptedTransactions implements TransactionalOperator {

	private static final Logger log = LoggerFactory.getLogger(UninterruptedTransactions.class);

	/**
	 * While the database is away, every transaction whose client hung up fails alike: one warning with its stack trace
	 * every 10 s for each kind of failure, not one per transaction.
	 */
	private static final RateLimitedWarnings abandonedFailures = new RateLimitedWarnings(log, Duration.ofSeconds(10),
			"such failures", Clock.systemUTC());

	private final TransactionalOperator transactions;

	public UninterruptedTransactions(TransactionalOperator transactions) {
		this.transactions = transactions;
	}

	@Override
	public <T> Mono<T> transactional(Mono<T> mono) {
		return uninterrupted(transactions.transactional(mono));
	}

	@Override
	public <T> Flux<T> execute(TransactionCallback<T> action) throws TransactionException {
		return uninterrupted(transactions.execute(action).collectList()).flatMapIterable(Function.identity());
	}

	/**
	 * Subscribes to {@code work} when the result is subscribed to, with the subscriber's context (its trace, say),
	 * but not as part of the subscriber's chain: cancelling the result does not cancel the work.
	 */
	static <T> Mono<T> uninterrupted(Mono<T> work) {
		return Mono.deferContextual(context -> {
			Sinks.One<T> outcome = Sinks.one();
			work.subscribe(outcome::tryEmitValue, failure -> {
				if (outcome.currentSubscriberCount() == 0) {
					// Nobody waits for the answer any more: the log is the only place the failure can go.
					abandonedFailures.warnWithStackTrace("A transaction whose caller had given up failed", failure);
				}
				outcome.tryEmitError(failure);
			}, outcome::tryEmitEmpty, Context.of(context));
			return outcome.asMono();
		});
	}
}
