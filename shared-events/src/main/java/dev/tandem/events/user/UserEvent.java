package dev.tandem.events.user;

import java.time.Instant;
import java.util.UUID;

/**
 * A change to one user, published on {@link UserEvents#TOPIC} keyed by the user id.
 *
 * <p>Every event carries a full snapshot of the identity facts a profile needs, so a consumer can apply any
 * event on its own; {@link #version()} grows with every change of the user, so an event older than what a consumer
 * already holds can be recognised and dropped.
 */
public sealed interface UserEvent permits UserCreated, UserUpdated, UserDeleted {

	UUID userId();

	long version();

	Instant occurredAt();

	String username();

	String email();

	String firstName();

	String lastName();

	boolean active();
}
