package dev.tandem.identity.user;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kinds of stored password hash this service verifies, each with the most a login may cost. A hash is made here
 * (Argon2id at the service's settings) or imported ({@code {bcrypt}}, {@code {argon2}},
 * {@code {pbkdf2@SpringSecurity_v5_8}}, {@code {django}pbkdf2_sha256$...}); an imported one names its own cost, and
 * without limits one line of an import could make every login attempt at its account take seconds of CPU
 * ({@code $2a$31$}: 2<sup>31</sup> bcrypt rounds) or hundreds of MiB of heap (Argon2 with {@code m=262144}), or fail
 * with an exception instead of a refusal. Such a hash is refused at import and never verified.
 */
public final class PasswordHashes {

	/** bcrypt's cost factor: Spring Security's default is 10, Django's 12; each step doubles the work. */
	public static final int MAX_BCRYPT_COST = 14;

	/** Argon2's memory per hash: four times this service's default, and less than the heap. */
	public static final int MAX_ARGON2_MEMORY_KIB = 65_536;

	public static final int MAX_ARGON2_ITERATIONS = 10;

	public static final int MAX_ARGON2_PARALLELISM = 16;

	private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]?\\$(\\d\\d)\\$[./0-9A-Za-z]{53}");

	/** Spring Security's form: type, optional version, memory, iterations, lanes, and a salt and hash in base64. */
	private static final Pattern ARGON2 = Pattern.compile("\\$argon2(?:id|i|d)\\$(?:v=(?:16|19)\\$)?"
			+ "m=(\\d{1,9}),t=(\\d{1,9}),p=(\\d{1,9})\\$[A-Za-z0-9+/]+\\$[A-Za-z0-9+/]+");

	/** Spring Security's PBKDF2 defaults since 5.8: hex of a 16-byte salt and a 32-byte hash. */
	private static final Pattern PBKDF2 = Pattern.compile("[0-9a-fA-F]{96}");

	private final int maxArgon2MemoryKib;

	private final int maxArgon2Iterations;

	private final int maxArgon2Parallelism;

	/** The limits, raised where the service's own settings for new hashes are higher. */
	PasswordHashes(PasswordSettings own) {
		this.maxArgon2MemoryKib = Math.max(MAX_ARGON2_MEMORY_KIB, own.memoryKib());
		this.maxArgon2Iterations = Math.max(MAX_ARGON2_ITERATIONS, own.iterations());
		this.maxArgon2Parallelism = Math.max(MAX_ARGON2_PARALLELISM, own.parallelism());
	}

	/**
	 * Whether {@code stored}, in {@code {id}hash} form, is a hash of a kind this service verifies, well formed and
	 * within its kind's limits.
	 */
	public boolean verifiable(String stored) {
		int end = stored.indexOf('}');
		if (!stored.startsWith("{") || end < 0) {
			return false;
		}
		String hash = stored.substring(end + 1);
		return switch (stored.substring(1, end)) {
			case "argon2" -> argon2(hash);
			case "bcrypt" -> bcrypt(hash);
			case "pbkdf2@SpringSecurity_v5_8" -> PBKDF2.matcher(hash).matches();
			case DjangoPasswordEncoder.ID -> DjangoPasswordEncoder.isDjangoHash(hash);
			default -> false;
		};
	}

	private static boolean bcrypt(String hash) {
		Matcher bcrypt = BCRYPT.matcher(hash);
		return bcrypt.matches() && within(bcrypt.group(1), 4, MAX_BCRYPT_COST);
	}

	private boolean argon2(String hash) {
		Matcher argon2 = ARGON2.matcher(hash);
		if (!argon2.matches() || !within(argon2.group(2), 1, maxArgon2Iterations)
				|| !within(argon2.group(3), 1, maxArgon2Parallelism)) {
			return false;
		}
		// Argon2 needs at least 8 KiB of memory per lane.
		return within(argon2.group(1), 8 * Integer.parseInt(argon2.group(3)), maxArgon2MemoryKib);
	}

	private static boolean within(String digits, int min, int max) {
		long value = Long.parseLong(digits);
		return value >= min && value <= max;
	}
}
