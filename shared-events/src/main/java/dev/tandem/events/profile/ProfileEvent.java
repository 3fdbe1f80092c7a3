package dev.tandem.events.profile;

import java.time.Instant;
import java.util.UUID;

/**
 * A change to one profile, published on {@link ProfileEvents#TOPIC} keyed by the user id.
 *
 * <p>{@link #version()} is the profile's own version, which grows with every change, so a consumer can drop an event
 * older than what it holds; a {@link ProfileUpdated} carries the whole profile, so it can be applied on its own.
 */
public sealed interface ProfileEvent permits ProfileUpdated, ProfileDeleted {

	UUID userId();

	long version();

	Instant occurredAt();
}
