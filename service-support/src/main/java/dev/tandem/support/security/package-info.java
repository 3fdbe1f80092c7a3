/**
 * How a token's claims become authorities, alike in both services and for any issuer.
 */
@NullMarked
package dev.tandem.support.security;

import org.jspecify.annotations.NullMarked;
