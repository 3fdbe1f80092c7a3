package dev.tandem.events;

/**
 * A received event that can never be processed: bad JSON, an unknown type, missing attributes. Retrying it is
 * pointless, so consumers route it aside instead of blocking the partition.
 */
public class MalformedEvent extends RuntimeException {

	public MalformedEvent(String message) {
		super(message);
	}

	public MalformedEvent(String message, Throwable cause) {
		super(message, cause);
	}
}
