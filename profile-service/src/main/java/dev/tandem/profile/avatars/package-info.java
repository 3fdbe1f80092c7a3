/**
 * Avatars: turns a picture a user uploads into the square renditions profiles show, refusing anything that is not
 * a small enough JPEG, PNG or GIF and keeping none of the uploader's metadata, such as where a photo was taken.
 */
@NullMarked
package dev.tandem.profile.avatars;

import org.jspecify.annotations.NullMarked;
