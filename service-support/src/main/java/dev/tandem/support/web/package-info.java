/**
 * Problem details (RFC 9457) for failures outside the services' own controllers: security refusals, and values the
 * database refuses as data.
 */
@NullMarked
package dev.tandem.support.web;

import org.jspecify.annotations.NullMarked;
