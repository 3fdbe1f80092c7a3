package dev.tandem.support.web;

import java.net.URI;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;

import org.springframework.beans.TypeMismatchException;
import org.springframework.core.MethodParameter;
import org.springframework.core.ResolvableType;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.util.StringUtils;
import org.springframework.validation.method.ParameterValidationResult;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;

/**
 * The problems both services answer for query parameters, path variables and headers a controller refuses, so that
 * each names what was wrong instead of Spring's "Type mismatch." or "Validation failure", for an {@code If-Match} that
 * names an old version, and for a body larger than a service reads. Each service's own exception handler extends
 * this one.
 */
public abstract class InputProblems extends ResponseEntityExceptionHandler {

	/** The type of every problem with a request's input. */
	protected static final URI INVALID_REQUEST = URI.create("https://tandem.dev/problems/invalid-request");

	@Override
	protected Mono<ResponseEntity<Object>> handleServerWebInputException(ServerWebInputException ex,
			HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
		explainTypeMismatch(ex);
		explainUnreadableBody(ex);
		return super.handleServerWebInputException(ex, headers, status, exchange);
	}

	@Override
	protected Mono<ResponseEntity<Object>> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
			HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
		explainInvalidParameters(ex);
		return super.handleHandlerMethodValidationException(ex, headers, status, exchange);
	}

	/**
	 * A body larger than the service reads into memory (a form over Spring's 256 KiB, say), which Spring's own
	 * handling leaves as an error without an answer.
	 */
	@ExceptionHandler
	public ErrorResponse requestTooLarge(DataBufferLimitException ex) {
		return ErrorResponse.builder(ex, HttpStatus.CONTENT_TOO_LARGE, "The request is larger than this service reads: "
				+ ex.getMessage())
			.type(URI.create("https://tandem.dev/problems/request-too-large"))
			.title("Request too large")
			.build();
	}

	/** A change made against a version that is no longer current: {@code stale-user}, {@code stale-profile}. */
	@ExceptionHandler
	public ErrorResponse staleVersion(StaleVersion ex) {
		String record = ex.record();
		return ErrorResponse.builder(ex, HttpStatus.PRECONDITION_FAILED, ex.getMessage())
			.type(URI.create("https://tandem.dev/problems/stale-" + record))
			.title(Character.toUpperCase(record.charAt(0)) + record.substring(1) + " changed meanwhile")
			.build();
	}

	/** One invalid parameter of a request: its name as the client sent it, and what is wrong with it. */
	public record ParameterProblem(String parameter, String message) {
	}

	/**
	 * Says which value was not of its parameter's type, and what was expected ({@code 'abc' is not a valid size}), as a
	 * problem of the same type and with the same {@code errors} as a parameter that breaks a constraint.
	 */
	static void explainTypeMismatch(ServerWebInputException ex) {
		MethodParameter parameter = ex.getMethodParameter();
		if (ex.getCause() instanceof TypeMismatchException mismatch && parameter != null) {
			// A list parameter's value comes as the array of its values.
			String value = mismatch.getValue() instanceof Object[] values
					? Arrays.stream(values).map(String::valueOf).collect(Collectors.joining(","))
					: String.valueOf(mismatch.getValue());
			String name = nameOf(parameter);
			String expected = expected(parameter);
			invalidParameters(ex.getBody(), "'" + value + "' is not a valid " + name + ": expected " + expected + ".",
					List.of(new ParameterProblem(name, "must be " + expected)));
		}
	}

	/**
	 * Says what is wrong with a JSON body that could not be read, instead of Spring's "Failed to read HTTP message":
	 * JSON that is not well formed (or names a member twice), in Jackson's words without its excerpt of the body, or
	 * a value of the wrong type, by its JSON pointer, without the Java types behind it.
	 */
	static void explainUnreadableBody(ServerWebInputException ex) {
		JacksonException json = null;
		for (Throwable cause = ex.getCause(); cause != null && json == null; cause = cause.getCause()) {
			json = cause instanceof JacksonException jackson ? jackson : null;
		}
		if (json == null) {
			return;
		}
		ProblemDetail problem = ex.getBody();
		problem.setType(INVALID_REQUEST);
		problem.setTitle("Invalid request");
		if (!(json instanceof DatabindException)) {
			problem.setDetail("The body is not valid JSON: " + json.getOriginalMessage());
			return;
		}
		String pointer = json.getPath()
			.stream()
			.map(step -> step.getPropertyName() != null
					? step.getPropertyName().replace("~", "~0").replace("/", "~1") : String.valueOf(step.getIndex()))
			.collect(Collectors.joining("/", "/", ""));
		problem.setDetail(json.getPath().isEmpty() ? "The body is not a JSON value of the shape this request takes."
				: "The body's " + pointer + " is not of the type it must have.");
	}

	/** Names each parameter that broke a constraint, with what it broke, in the {@code errors} of the problem. */
	static void explainInvalidParameters(HandlerMethodValidationException ex) {
		List<ParameterProblem> errors = ex.getParameterValidationResults()
			.stream()
			.flatMap(result -> result.getResolvableErrors()
				.stream()
				.map(error -> new ParameterProblem(nameOf(result), String.valueOf(error.getDefaultMessage()))))
			// A list's values break a rule each (?ids=,, two empty ids): the parameter is named once per rule.
			.distinct()
			.toList();
		long parameters = errors.stream().map(ParameterProblem::parameter).distinct().count();
		invalidParameters(ex.getBody(),
				parameters == 1 ? "1 parameter is invalid." : parameters + " parameters are invalid.", errors);
	}

	private static void invalidParameters(ProblemDetail problem, String detail, List<ParameterProblem> errors) {
		problem.setType(INVALID_REQUEST);
		problem.setTitle("Invalid request");
		problem.setDetail(detail);
		problem.setProperty("errors", errors);
	}

	private static String nameOf(ParameterValidationResult result) {
		return nameOf(result.getMethodParameter());
	}

	/** The name the client uses: the annotation's when it has one, else the Java parameter's. */
	static String nameOf(MethodParameter parameter) {
		RequestParam param = parameter.getParameterAnnotation(RequestParam.class);
		PathVariable variable = parameter.getParameterAnnotation(PathVariable.class);
		RequestHeader header = parameter.getParameterAnnotation(RequestHeader.class);
		String declared = param != null ? param.name() : variable != null ? variable.name()
				: header != null ? header.name() : "";
		return StringUtils.hasText(declared) ? declared : String.valueOf(parameter.getParameterName());
	}

	/** What a value of {@code parameter} looks like; for a list, what each of its comma-separated values does. */
	static String expected(MethodParameter parameter) {
		Class<?> type = parameter.getParameterType();
		if (Collection.class.isAssignableFrom(type)) {
			Class<?> element = ResolvableType.forMethodParameter(parameter).asCollection().resolveGeneric(0);
			return "values separated by commas, each " + expected(element == null ? String.class : element);
		}
		Min min = parameter.getParameterAnnotation(Min.class);
		Max max = parameter.getParameterAnnotation(Max.class);
		boolean whole = type == int.class || type == Integer.class || type == long.class || type == Long.class;
		if (whole && min != null && max != null) {
			// The bounds the parameter is validated against, not those of its Java type.
			return "a whole number from " + min.value() + " to " + max.value();
		}
		return expected(type);
	}

	static String expected(Class<?> type) {
		if (type == int.class || type == Integer.class) {
			return "a whole number from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE;
		}
		if (type == long.class || type == Long.class) {
			return "a whole number";
		}
		if (type == boolean.class || type == Boolean.class) {
			return "true or false";
		}
		if (type == UUID.class) {
			return "a UUID";
		}
		if (type.isEnum()) {
			return "one of " + Arrays.stream(type.getEnumConstants()).map(String::valueOf).collect(Collectors.joining(", "));
		}
		String name = type.getSimpleName();
		return ("AEIOU".indexOf(name.charAt(0)) >= 0 ? "an " : "a ") + name;
	}
}
