package dev.tandem.support.web;

import java.net.URI;

import io.r2dbc.spi.R2dbcException;

import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The database refused a value as data (SQLSTATE class 22, such as a NUL character in text): that is bad input, not a
 * server fault, so it is a 400. Anything else from the database stays an error of ours.
 */
@RestControllerAdvice
public class DatabaseDataProblems {

	@ExceptionHandler
	ResponseEntity<ProblemDetail> databaseRefusedData(DataAccessException ex) throws DataAccessException {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof R2dbcException r2dbc && r2dbc.getSqlState() != null && r2dbc.getSqlState().startsWith("22")) {
				ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
						"A value in the request cannot be stored: " + r2dbc.getMessage());
				problem.setType(URI.create("https://tandem.dev/problems/invalid-request"));
				problem.setTitle("Invalid request");
				return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
			}
		}
		throw ex;
	}
}
