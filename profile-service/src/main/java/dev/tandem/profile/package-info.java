/**
 * profile-service: one profile per user, created from identity-service's events and served over HTTP.
 */
@NullMarked
package dev.tandem.profile;

import org.jspecify.annotations.NullMarked;
