/**
 * identity-service as profile-service calls it: its internal API, with a client-credentials token.
 */
@NullMarked
package dev.tandem.profile.identity;

import org.jspecify.annotations.NullMarked;
