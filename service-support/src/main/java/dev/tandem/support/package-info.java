/**
 * What both services do alike, registered by {@link dev.tandem.support.SupportAutoConfiguration}.
 */
@NullMarked
package dev.tandem.support;

import org.jspecify.annotations.NullMarked;
