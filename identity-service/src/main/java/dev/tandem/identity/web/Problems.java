package dev.tandem.identity.web;

import java.net.URI;
import java.util.Comparator;
import java.util.List;

import dev.tandem.identity.token.TokenRefused;
import dev.tandem.identity.token.TooManyLoginAttempts;
import dev.tandem.identity.user.DirectoryRefused;
import dev.tandem.identity.user.DirectoryUnavailable;
import dev.tandem.identity.user.EmailTaken;
import dev.tandem.identity.user.LastAdmin;
import dev.tandem.identity.user.ManagedByDirectory;
import dev.tandem.identity.user.UserNotFound;
import dev.tandem.identity.user.UsernameTaken;
import dev.tandem.identity.user.WeakPassword;
import dev.tandem.identity.user.WrongCurrentPassword;
import dev.tandem.support.web.InputProblems;
import dev.tandem.support.web.TryAgainLater;
import reactor.core.publisher.Mono;

import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.FieldError;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.server.ServerWebExchange;

/**
 * Translates failures into problem details: a 400 names every invalid field with a JSON pointer (and every invalid
 * parameter, as {@link InputProblems} does), a taken username or email is a 409.
 * Asked before service-support's {@code DatabaseProblems}, the shared answers to the database's refusals.
 */
@RestControllerAdvice
@Order(0)
class Problems extends InputProblems {

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
		// A field may break two rules (an email with a control character is no email either): count the fields.
		long fields = errors.stream().map(FieldProblem::field).distinct().count();
		problem.setDetail(fields == 1 ? "1 field is invalid." : fields + " fields are invalid.");
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

	@ExceptionHandler
	ErrorResponse weakPassword(WeakPassword ex) {
		return ErrorResponse.builder(ex, HttpStatus.BAD_REQUEST, ex.getMessage())
			.type(URI.create("https://tandem.dev/problems/weak-password"))
			.title("Weak password")
			.property("rule", ex.rule())
			.property("errors", List.of(new FieldProblem(ex.field(), "/" + ex.field(), ex.getMessage())))
			.build();
	}

	@ExceptionHandler
	ErrorResponse directoryRefused(DirectoryRefused ex) {
		return ErrorResponse.builder(ex, HttpStatus.BAD_REQUEST, ex.getMessage())
			.type(INVALID_REQUEST)
			.title("Invalid request")
			.property("errors", ex.refusals()
				.stream()
				.map(refusal -> new FieldProblem(refusal.field(), "/" + refusal.field(), refusal.message()))
				.toList())
			.build();
	}

	@ExceptionHandler
	ErrorResponse lastAdmin(LastAdmin ex) {
		return ErrorResponse.builder(ex, HttpStatus.CONFLICT, ex.getMessage())
			.type(URI.create("https://tandem.dev/problems/last-admin"))
			.title("The last active admin")
			.build();
	}

	@ExceptionHandler
	ErrorResponse managedByDirectory(ManagedByDirectory ex) {
		return ErrorResponse.builder(ex, HttpStatus.CONFLICT, ex.getMessage())
			.type(URI.create("https://tandem.dev/problems/managed-by-identity-provider"))
			.title("Managed by the identity provider")
			.build();
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> directoryUnavailable(DirectoryUnavailable ex) {
		return TryAgainLater.problem("https://tandem.dev/problems/identity-provider-unavailable",
				"Identity provider unavailable", ex.getMessage());
	}

	@ExceptionHandler
	ErrorResponse wrongCurrentPassword(WrongCurrentPassword ex) {
		return ErrorResponse.builder(ex, HttpStatus.BAD_REQUEST, ex.getMessage())
			.type(URI.create("https://tandem.dev/problems/wrong-current-password"))
			.title("Wrong current password")
			.property("errors", List.of(new FieldProblem("currentPassword", "/currentPassword", ex.getMessage())))
			.build();
	}

	@ExceptionHandler
	ErrorResponse userNotFound(UserNotFound ex) {
		return ErrorResponse.builder(ex, HttpStatus.NOT_FOUND, ex.getMessage())
			.type(URI.create("https://tandem.dev/problems/user-not-found"))
			.title("User not found")
			.build();
	}

	/**
	 * Token endpoint refusals keep RFC 6749's {@code error} and {@code error_description} members, so OAuth2 client
	 * libraries understand them, inside a problem document.
	 */
	@ExceptionHandler
	ResponseEntity<ProblemDetail> tokenRefused(TokenRefused ex) {
		HttpStatus status = ex.error().equals("invalid_client") ? HttpStatus.UNAUTHORIZED : HttpStatus.BAD_REQUEST;
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, ex.getMessage());
		problem.setType(URI.create("https://tandem.dev/problems/oauth2-" + ex.error().replace('_', '-')));
		problem.setTitle("Token request refused");
		problem.setProperty("error", ex.error());
		problem.setProperty("error_description", ex.getMessage());
		ResponseEntity.BodyBuilder response = ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON);
		if (status == HttpStatus.UNAUTHORIZED) {
			response.header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"tandem\"");
		}
		return response.body(problem);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> tooManyLoginAttempts(TooManyLoginAttempts ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS, ex.getMessage());
		problem.setType(URI.create("https://tandem.dev/problems/too-many-login-attempts"));
		problem.setTitle("Too many login attempts");
		problem.setProperty("error", "invalid_grant");
		problem.setProperty("error_description", ex.getMessage());
		return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, ex.retryAfter().toSeconds() + 1)))
			.body(problem);
	}

	private static String messageOf(FieldError error) {
		String message = error.getDefaultMessage();
		return message == null ? "is invalid" : message;
	}
}
