/**
 * Rules for text people type, the same in both services.
 */
@NullMarked
package dev.tandem.support.text;

import org.jspecify.annotations.NullMarked;
