/**
 * The benchmark runner: Tandem started as {@code ./run.sh} starts it, loaded from this separate process, measured
 * next to the database's own limit.
 */
@NullMarked
package dev.tandem.bench;

import org.jspecify.annotations.NullMarked;
