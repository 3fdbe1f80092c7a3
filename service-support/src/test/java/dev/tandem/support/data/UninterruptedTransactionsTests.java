package dev.tandem.support.data;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.context.Context;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a transaction's caller sees and what it leaves behind when it gives up; the database's side (the connection
 * given back clean) is in the services' integration tests. Each test fails with its own kind of failure, since the
 * warnings are limited per kind for the whole JVM.
 */
class UninterruptedTransactionsTests {

	private final Logger logger = (Logger) LoggerFactory.getLogger(UninterruptedTransactions.class);

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	@BeforeEach
	void listen() {
		appender.start();
		logger.addAppender(appender);
	}

	@AfterEach
	void stopListening() {
		logger.detachAppender(appender);
	}

	@Test
	void workGoesOnToItsEndAfterItsCallerGivesUp() {
		Sinks.One<String> commit = Sinks.one();
		AtomicBoolean committed = new AtomicBoolean();
		Disposable caller = UninterruptedTransactions.uninterrupted(commit.asMono().doOnNext(done -> committed.set(true)))
			.subscribe();

		caller.dispose();
		commit.tryEmitValue("committed");

		assertThat(committed).isTrue();
		assertThat(appender.list).isEmpty();
	}

	@Test
	void aFailureAfterItsCallerGaveUpIsWarnedWithItsStackTrace() {
		Sinks.One<String> outcome = Sinks.one();
		UninterruptedTransactions.uninterrupted(outcome.asMono()).subscribe().dispose();

		outcome.tryEmitError(new IllegalStateException("the database went away"));

		assertThat(appender.list).singleElement().satisfies(event -> {
			assertThat(event.getLevel()).isEqualTo(Level.WARN);
			assertThat(event.getFormattedMessage()).isEqualTo("A transaction whose caller had given up failed");
			assertThat(event.getThrowableProxy().getClassName()).isEqualTo(IllegalStateException.class.getName());
			assertThat(event.getThrowableProxy().getMessage()).isEqualTo("the database went away");
			assertThat(event.getThrowableProxy().getStackTraceElementProxyArray()).isNotEmpty();
		});
	}

	@Test
	void aFailureItsCallerWaitsForGoesToTheCallerAndNotToTheLog() {
		Sinks.One<String> outcome = Sinks.one();
		AtomicReference<Throwable> received = new AtomicReference<>();
		UninterruptedTransactions.uninterrupted(outcome.asMono()).subscribe(value -> { }, received::set);

		outcome.tryEmitError(new IllegalArgumentException("duplicate key"));

		assertThat(received.get()).isInstanceOf(IllegalArgumentException.class).hasMessage("duplicate key");
		assertThat(appender.list).isEmpty();
	}

	@Test
	void workRunsWithItsCallersContext() {
		Mono<String> work = Mono.deferContextual(context -> Mono.just(context.<String>get("trace")));

		String seen = UninterruptedTransactions.uninterrupted(work).contextWrite(Context.of("trace", "4bf92f35")).block();

		assertThat(seen).isEqualTo("4bf92f35");
	}
}
