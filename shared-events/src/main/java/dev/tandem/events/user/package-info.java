/**
 * The contract of identity-service's user events: what profile-service and any other consumer may rely on.
 */
@NullMarked
package dev.tandem.events.user;

import org.jspecify.annotations.NullMarked;
