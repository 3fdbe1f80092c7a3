/**
 * Users and their registration: the {@code auth_user} of Tandem, and the {@code UserCreated} event that every new
 * user's transaction writes to the outbox.
 */
@NullMarked
package dev.tandem.identity.user;

import org.jspecify.annotations.NullMarked;
