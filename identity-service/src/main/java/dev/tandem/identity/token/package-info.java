/**
 * OAuth2 tokens: the token endpoint (password, refresh-token and client-credentials grants), signed JWT access
 * tokens, rotating refresh tokens, the published keys, and the throttling of failed logins.
 */
@NullMarked
package dev.tandem.identity.token;

import org.jspecify.annotations.NullMarked;
