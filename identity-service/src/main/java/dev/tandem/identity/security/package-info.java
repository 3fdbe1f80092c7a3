/**
 * Who may call what: identity-service is a resource server for its own tokens.
 */
@NullMarked
package dev.tandem.identity.security;

import org.jspecify.annotations.NullMarked;
