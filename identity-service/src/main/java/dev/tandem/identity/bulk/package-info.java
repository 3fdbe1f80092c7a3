/**
 * Paths that create users or events outside single registration: bulk import of NDJSON (Django's
 * {@code bulk_create}, done so every user still gets its {@code UserCreated}) and the backfill that re-emits
 * {@code UserCreated} for users that exist.
 */
@NullMarked
package dev.tandem.identity.bulk;

import org.jspecify.annotations.NullMarked;
