package dev.tandem.support;

import dev.tandem.support.web.DatabaseDataProblems;
import dev.tandem.support.web.ProblemResponses;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Registers what both services share.
 */
@AutoConfiguration
public class SupportAutoConfiguration {

	@Bean
	ProblemResponses problemResponses(JsonMapper json) {
		return new ProblemResponses(json);
	}

	@Bean
	DatabaseDataProblems databaseDataProblems() {
		return new DatabaseDataProblems();
	}
}
