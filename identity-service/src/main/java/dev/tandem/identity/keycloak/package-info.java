/**
 * Keycloak as the identity provider ({@code tandem.identity.provider=keycloak}): users are created and changed in a
 * realm through the admin client, and a sync mirrors the users born in Keycloak itself, so each gets its events.
 */
@NullMarked
package dev.tandem.identity.keycloak;

import org.jspecify.annotations.NullMarked;
