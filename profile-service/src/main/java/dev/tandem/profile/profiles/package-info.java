/**
 * Profiles: the {@code UserProfile} of the seeds, keyed by the user id like a {@code OneToOneField} with
 * {@code primary_key=True}, and valid with nothing but that id.
 */
@NullMarked
package dev.tandem.profile.profiles;

import org.jspecify.annotations.NullMarked;
