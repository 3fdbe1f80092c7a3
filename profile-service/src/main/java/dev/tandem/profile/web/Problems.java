package dev.tandem.profile.web;

import java.net.URI;

import dev.tandem.profile.profiles.ProfileNotFound;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;

/**
 * Translates failures into problem details.
 */
@RestControllerAdvice
class Problems extends ResponseEntityExceptionHandler {

	static final URI PROFILE_NOT_FOUND = URI.create("https://tandem.dev/problems/profile-not-found");

	@ExceptionHandler
	ErrorResponse profileNotFound(ProfileNotFound ex) {
		return ErrorResponse.builder(ex, HttpStatus.NOT_FOUND, ex.getMessage())
			.type(PROFILE_NOT_FOUND)
			.title("Profile not found")
			.build();
	}
}
