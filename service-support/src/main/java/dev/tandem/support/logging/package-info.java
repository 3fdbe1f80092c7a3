/**
 * Logging both services do alike: warnings that may come thousands of times a minute.
 */
@NullMarked
package dev.tandem.support.logging;

import org.jspecify.annotations.NullMarked;
