package dev.tandem.support.web;

/**
 * A change named (with {@code If-Match}) a version of a record that is no longer current; nothing was changed. Each
 * service names its records with a subclass; {@link InputProblems} answers every one with {@code 412}.
 */
public abstract class StaleVersion extends RuntimeException {

	private final String record;

	/**
	 * @param record what changed meanwhile, in lower case ({@code profile}): it names the problem type too
	 */
	protected StaleVersion(String record, String expected, long current) {
		super("The " + record + " is at version " + current + ", not " + expected + "; read it again and retry.");
		this.record = record;
	}

	public String record() {
		return record;
	}
}
