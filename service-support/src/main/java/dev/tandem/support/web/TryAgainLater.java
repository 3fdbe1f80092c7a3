package dev.tandem.support.web;

import java.net.URI;
import java.time.Duration;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/**
 * The answer to a request that was fine but cannot be served right now (a dependency down, every worker busy):
 * {@code 503} with {@code Retry-After}, as problem details.
 */
public final class TryAgainLater {

	private TryAgainLater() {
	}

	/** The answer for something that takes a while to come back: try again in 5 seconds. */
	public static ResponseEntity<ProblemDetail> problem(String type, String title, String detail) {
		return problem(type, title, detail, Duration.ofSeconds(5));
	}

	/** The answer with {@code Retry-After} in whole seconds, rounded up, and at least one. */
	public static ResponseEntity<ProblemDetail> problem(String type, String title, String detail, Duration retryAfter) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, detail);
		problem.setType(URI.create(type));
		problem.setTitle(title);
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.header(HttpHeaders.RETRY_AFTER, String.valueOf(Math.max(1, (retryAfter.toMillis() + 999) / 1000)))
			.body(problem);
	}
}
