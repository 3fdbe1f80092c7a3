package dev.tandem.profile.events;

/**
 * The Kafka cluster did not answer in time, or refused: what asked it may be asked again once it is back.
 */
public class KafkaUnavailable extends RuntimeException {

	KafkaUnavailable(Throwable cause) {
		super("Kafka cannot be asked right now (" + (cause.getMessage() != null ? cause.getMessage()
				: cause.getClass().getSimpleName()) + "); try again in a few seconds.", cause);
	}
}
