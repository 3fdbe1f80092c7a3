package dev.tandem.support;

import dev.tandem.support.data.UninterruptedTransactions;
import dev.tandem.support.web.DatabaseProblems;
import dev.tandem.support.web.ProblemResponses;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Registers what both services share.
 */
@AutoConfiguration(afterName = "org.springframework.boot.r2dbc.autoconfigure.R2dbcTransactionManagerAutoConfiguration",
		beforeName = "org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration")
public class SupportAutoConfiguration {

	@Bean
	ProblemResponses problemResponses(JsonMapper json) {
		return new ProblemResponses(json);
	}

	/**
	 * A JSON object that names a member twice is refused, not read as its last value: a gateway or a log that reads
	 * the first would otherwise see another request than the service does.
	 */
	@Bean
	JsonMapperBuilderCustomizer duplicateMembersRefused() {
		return builder -> builder.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
	}

	/** Spring Security's firewall answers what it refuses with an empty 400; this makes it a problem too. */
	@Bean
	ServerExchangeRejectedHandler rejectedRequestsAsProblems(ProblemResponses problems) {
		return problems::rejected;
	}

	/**
	 * The services' transactions: Spring's reactive ones, run to their end even when their caller cancels (see
	 * {@link UninterruptedTransactions}). Boot's own operator backs off when this one is there.
	 */
	@Bean
	@ConditionalOnBean(ReactiveTransactionManager.class)
	TransactionalOperator transactionalOperator(ReactiveTransactionManager transactionManager) {
		return new UninterruptedTransactions(TransactionalOperator.create(transactionManager));
	}

	@Bean
	DatabaseProblems databaseProblems() {
		return new DatabaseProblems();
	}
}
