/**
 * The benchmark's floor: the profile read and write on the services' stack with nothing around them.
 */
@NullMarked
package dev.tandem.floor;

import org.jspecify.annotations.NullMarked;
