/**
 * The contract of profile events: what profile-service tells other services (search, notifications) when a profile
 * changes.
 */
@NullMarked
package dev.tandem.events.profile;

import org.jspecify.annotations.NullMarked;
