/**
 * profile-service as an OAuth2 resource server: which tokens it trusts and who may call what.
 */
@NullMarked
package dev.tandem.profile.security;

import org.jspecify.annotations.NullMarked;
