package dev.tandem.support.web;

/**
 * A record's version as its {@code ETag}, and the check of an {@code If-Match} against it: how both services let a
 * client change a user or a profile only if nobody changed it since the client read it.
 */
public final class VersionTags {

	private VersionTags() {
	}

	/** The strong entity tag of a version: {@code "3"}. */
	public static String etag(long version) {
		return "\"" + version + "\"";
	}

	/**
	 * The weak entity tag of a version, {@code W/"3"}: for a record whose answer also shows what changes without a new
	 * version (a user's last login), so that two answers with one tag are equivalent but not byte for byte the same.
	 */
	public static String weakEtag(long version) {
		return "W/" + etag(version);
	}

	/**
	 * Whether an {@code If-Match} header allows a change of the record at {@code version}: it names that version
	 * among its tags, or is {@code *}. A weak tag ({@code W/"3"}) counts as its strong one, although RFC 9110 compares
	 * strongly here: the tag is the version number, never a hash of bytes, and a gateway that compresses answers
	 * (nginx's gzip, say) weakens the ETags it passes on, so a client behind it could otherwise never make a
	 * conditional change.
	 */
	public static boolean matches(String ifMatch, long version) {
		String current = etag(version);
		for (String candidate : ifMatch.split(",")) {
			String tag = candidate.strip();
			if (tag.equals("*") || tag.replaceFirst("^W/", "").equals(current)) {
				return true;
			}
		}
		return false;
	}
}
