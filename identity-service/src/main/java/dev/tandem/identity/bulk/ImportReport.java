package dev.tandem.identity.bulk;

import java.util.List;

/**
 * What a bulk import did.
 *
 * @param lines the non-blank lines read
 * @param created users created, each with its {@code UserCreated} event
 * @param skipped lines whose username or email already existed (in the database, or earlier in the file)
 * @param rejected lines that are not a valid user
 * @param problems the skipped and rejected lines with their reasons, the first {@value UserImport#MAX_PROBLEMS}
 * @param problemsTruncated whether more lines were skipped or rejected than {@code problems} lists
 */
record ImportReport(long lines, long created, long skipped, long rejected, List<LineProblem> problems,
		boolean problemsTruncated) {

	/** One line that was not imported. */
	record LineProblem(long line, String outcome, String reason) {
	}
}
