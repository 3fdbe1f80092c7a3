/**
 * The database work both services do the same way: pieces of SQL, and transactions that run to their end.
 */
@NullMarked
package dev.tandem.support.data;

import org.jspecify.annotations.NullMarked;
