/**
 * Consumes identity-service's user events: the distributed {@code post_save} receiver.
 */
@NullMarked
package dev.tandem.profile.events;

import org.jspecify.annotations.NullMarked;
