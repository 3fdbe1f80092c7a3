package dev.tandem.identity.user;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import com.nulabinc.zxcvbn.StandardDictionaries;
import com.nulabinc.zxcvbn.StandardKeyboards;
import com.nulabinc.zxcvbn.Zxcvbn;
import com.nulabinc.zxcvbn.ZxcvbnBuilder;
import com.nulabinc.zxcvbn.matchers.Dictionary;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * What a new password must be: long enough, not the account's own name or address, not one of the common passwords
 * bundled with zxcvbn (30 000 of them), and not trivially guessable by zxcvbn's estimate.
 */
@Component
class PasswordPolicy {

	static final int MINIMUM_LENGTH = 12;

	private static final Logger log = LoggerFactory.getLogger(PasswordPolicy.class);

	private final AtomicReference<@Nullable CompletableFuture<Dictionaries>> dictionaries = new AtomicReference<>();

	/**
	 * With users of its own, the service starts reading zxcvbn's dictionaries at once, on a thread of their own:
	 * reading and compacting 94 000 words takes a couple of hundred milliseconds of a start, which the service need not
	 * wait for. With an identity provider (Keycloak), whose own policy decides, they are read only if a check ever
	 * comes, so the service does not hold them for nothing. A check that comes first waits for them; checks run off
	 * the event loop.
	 */
	@Autowired
	PasswordPolicy(ObjectProvider<ExternalDirectory> directory) {
		this(directory.getIfAvailable() == null);
	}

	PasswordPolicy(boolean readNow) {
		if (readNow) {
			dictionaries();
		}
	}

	/** Whether the dictionaries have been asked for (they are being read, or are there); for the tests. */
	boolean dictionariesRequested() {
		return dictionaries.get() != null;
	}

	private CompletableFuture<Dictionaries> dictionaries() {
		CompletableFuture<Dictionaries> requested = dictionaries.get();
		if (requested != null) {
			return requested;
		}
		CompletableFuture<Dictionaries> reading = new CompletableFuture<>();
		if (!dictionaries.compareAndSet(null, reading)) {
			return Objects.requireNonNull(dictionaries.get());
		}
		Thread reader = new Thread(() -> {
			try {
				reading.complete(load());
			}
			catch (RuntimeException | Error failure) {
				// They come from zxcvbn's own jar: nothing but a broken build gets here. Every check then fails.
				log.error("zxcvbn's dictionaries could not be loaded; password checks will fail", failure);
				reading.completeExceptionally(failure);
			}
		}, "password-dictionaries");
		reader.setDaemon(true);
		try {
			reader.start();
		}
		catch (RuntimeException | Error notStarted) {
			// No thread to read them (the machine is out of threads): this check fails, and the next one tries again.
			dictionaries.set(null);
			reading.completeExceptionally(notStarted);
		}
		return reading;
	}

	private static Dictionaries load() {
		try {
			// Loaded once for both checks: the estimator's own copy of the password list is the common-password list,
			// so the service does not hold 30 000 passwords twice; and kept compact, under a third of zxcvbn's maps.
			List<Dictionary> dictionaries = StandardDictionaries.loadAllDictionaries()
				.stream()
				.<Dictionary>map(CompactDictionary::new)
				.toList();
			Map<String, Integer> commonPasswords = dictionaries.stream()
				.filter(dictionary -> dictionary.getName().equals(StandardDictionaries.PASSWORDS))
				.findFirst()
				.orElseThrow(() -> new IllegalStateException("zxcvbn has no common-password list"))
				.getRankedDictionary();
			return new Dictionaries(commonPasswords, new ZxcvbnBuilder().dictionaries(dictionaries)
				.keyboards(StandardKeyboards.loadAllKeyboards())
				.build());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("zxcvbn's dictionaries and keyboards could not be read", ex);
		}
	}

	/**
	 * Checks a new password for an account.
	 *
	 * @param field the request field holding the password, named in the failure
	 * @throws WeakPassword naming the first rule the password breaks
	 */
	void check(String password, String username, String email, String field) {
		if (password.codePointCount(0, password.length()) < MINIMUM_LENGTH) {
			throw new WeakPassword("too-short", field,
					"The password must be at least " + MINIMUM_LENGTH + " characters long.");
		}
		String lower = password.toLowerCase(Locale.ROOT);
		String localPart = email.contains("@") ? email.substring(0, email.indexOf('@')) : email;
		if (lower.equals(username.toLowerCase(Locale.ROOT)) || lower.equals(email.toLowerCase(Locale.ROOT))
				|| lower.equals(localPart.toLowerCase(Locale.ROOT))) {
			throw new WeakPassword("similar-to-account", field, "The password must not be the username or email.");
		}
		Dictionaries loaded = dictionaries().join();
		if (loaded.commonPasswords().containsKey(lower)) {
			throw new WeakPassword("too-common", field, "The password is on the list of common passwords.");
		}
		if (loaded.strength().measure(password, List.of(username, email, localPart)).getScore() < 2) {
			throw new WeakPassword("too-guessable", field,
					"The password is too easy to guess: avoid repeats, sequences and keyboard patterns.");
		}
	}

	/** The common passwords, and the estimator with every dictionary. */
	private record Dictionaries(Map<String, Integer> commonPasswords, Zxcvbn strength) {
	}
}
