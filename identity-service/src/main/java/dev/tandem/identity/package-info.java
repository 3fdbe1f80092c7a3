/**
 * identity-service: the distributed {@code contrib.auth}, owner of users and the source of user events.
 */
@NullMarked
package dev.tandem.identity;

import org.jspecify.annotations.NullMarked;
