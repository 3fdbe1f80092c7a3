/**
 * How profile-service's errors leave it: RFC 9457 problem details.
 */
@NullMarked
package dev.tandem.profile.web;

import org.jspecify.annotations.NullMarked;
