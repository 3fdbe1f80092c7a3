/**
 * How identity-service's errors leave it: RFC 9457 problem details, one translation for every fact-named failure.
 */
@NullMarked
package dev.tandem.identity.web;

import org.jspecify.annotations.NullMarked;
