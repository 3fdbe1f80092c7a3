package dev.tandem.identity.web;

import java.net.URI;
import java.util.Comparator;
import java.util.List;

import dev.tandem.identity.user.EmailTaken;
import dev.tandem.identity.user.UsernameTaken;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.FieldError;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ServerWebExchange;

/**
 * Translates failures into problem details: a 400 names every invalid field with a JSON pointer, a taken username
 * or email is a 409.
 */
@RestControllerAdvice
class Problems extends ResponseEntityExceptionHandler {

	static final URI INVALID_REQUEST = URI.create("https://tandem.dev/problems/invalid-request");

	static final URI USERNAME_TAKEN = URI.create("https://tandem.dev/problems/username-taken");

	static final URI EMAIL_TAKEN = URI.create("https://tandem.dev/problems/email-taken");

	@Override
	protected Mono<ResponseEntity<Object>> handleWebExchangeBindException(WebExchangeBindException ex,
			HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
		List<FieldProblem> errors = ex.getFieldErrors()
			.stream()
			.sorted(Comparator.comparing(FieldError::getField))
			.map(error -> new FieldProblem(error.getField(), "/" + error.getField().replace('.', '/'), messageOf(error)))
			.toList();
		ProblemDetail problem = ex.getBody();
		problem.setType(INVALID_REQUEST);
		problem.setTitle("Invalid request");
		problem.setDetail(errors.size() == 1 ? "1 field is invalid." : errors.size() + " fields are invalid.");
		problem.setProperty("errors", errors);
		return handleExceptionInternal(ex, problem, headers, status, exchange);
	}

	@ExceptionHandler
	ErrorResponse usernameTaken(UsernameTaken ex) {
		return ErrorResponse.builder(ex, HttpStatus.CONFLICT, ex.getMessage())
			.type(USERNAME_TAKEN)
			.title("Username taken")
			.property("field", "username")
			.build();
	}

	@ExceptionHandler
	ErrorResponse emailTaken(EmailTaken ex) {
		return ErrorResponse.builder(ex, HttpStatus.CONFLICT, ex.getMessage())
			.type(EMAIL_TAKEN)
			.title("Email taken")
			.property("field", "email")
			.build();
	}

	/** One invalid field: its name, its JSON pointer in the request body, and what is wrong with it. */
	record FieldProblem(String field, String pointer, String message) {
	}

	private static String messageOf(FieldError error) {
		String message = error.getDefaultMessage();
		return message == null ? "is invalid" : message;
	}
}
