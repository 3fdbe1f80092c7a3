/**
 * Small pieces of SQL both services build the same way.
 */
@NullMarked
package dev.tandem.support.data;

import org.jspecify.annotations.NullMarked;
