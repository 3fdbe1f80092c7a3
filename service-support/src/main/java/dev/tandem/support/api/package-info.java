/**
 * The API description both services publish (OpenAPI 3.1, springdoc): bearer-token security and problem details for
 * every error, declared once.
 */
@NullMarked
package dev.tandem.support.api;

import org.jspecify.annotations.NullMarked;
