package dev.tandem.profile.profiles;

import java.util.List;

/**
 * A profile change holds values the profile may not store; nothing was changed.
 */
public class InvalidProfile extends RuntimeException {

	private final List<FieldProblem> problems;

	InvalidProfile(List<FieldProblem> problems) {
		super(problems.size() == 1 ? "1 field is invalid." : problems.size() + " fields are invalid.");
		this.problems = List.copyOf(problems);
	}

	public List<FieldProblem> problems() {
		return problems;
	}

	/** One invalid field: its name, its JSON pointer in the request body, and what is wrong with it. */
	public record FieldProblem(String field, String pointer, String message) {
	}
}
