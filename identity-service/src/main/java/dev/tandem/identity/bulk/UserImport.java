package dev.tandem.identity.bulk;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.tandem.identity.WithLocalUsers;
import dev.tandem.identity.user.DjangoPasswordEncoder;
import dev.tandem.identity.user.PasswordHashes;
import dev.tandem.identity.user.User;
import dev.tandem.identity.user.UserEventOutbox;
import dev.tandem.identity.user.Users;
import dev.tandem.support.text.TypedText;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Imports users from NDJSON, streamed: lines are read as they arrive and written in batches, each batch's users
 * and their {@code UserCreated} events in one transaction, so a million lines never sit in memory and no imported
 * user lacks its event.
 */
@Service
@WithLocalUsers
class UserImport {

	static final int MAX_PROBLEMS = 1000;

	static final int BATCH_SIZE = 1000;

	private static final Logger log = LoggerFactory.getLogger(UserImport.class);

	private static final Pattern USERNAME = Pattern.compile("[\\w.@+-]{1,150}");

	private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

	private static final Pattern ROLE = Pattern.compile("[a-z][a-z0-9_-]{0,39}");

	private static final Instant EARLIEST_JOINED = Instant.parse("1970-01-01T00:00:00Z");

	private final Users users;

	private final UserEventOutbox events;

	private final TransactionalOperator transactions;

	private final JsonMapper json;

	private final Clock clock;

	private final PasswordHashes hashes;

	UserImport(Users users, UserEventOutbox events, TransactionalOperator transactions, JsonMapper json, Clock clock,
			PasswordHashes hashes) {
		this.users = users;
		this.events = events;
		this.transactions = transactions;
		this.json = json;
		this.clock = clock;
		this.hashes = hashes;
	}

	/** Imports the users of {@code lines} and reports what happened to each, by its number. */
	Mono<ImportReport> run(Flux<NdjsonLines.Line> lines) {
		Tally tally = new Tally();
		return lines.filter(line -> line.tooLong() || !line.text().isBlank())
			.buffer(BATCH_SIZE)
			// One batch waits while one is written: the default prefetch held 32 000 lines, long enough to be promoted.
			.concatMap(batch -> importBatch(batch, tally), 1)
			.then(Mono.fromSupplier(() -> {
				ImportReport report = tally.report();
				log.info("Imported {} users from {} lines ({} skipped as duplicates, {} rejected)", report.created(),
						report.lines(), report.skipped(), report.rejected());
				return report;
			}));
	}

	private Mono<Void> importBatch(List<NdjsonLines.Line> batch, Tally tally) {
		Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
		List<User> candidates = new ArrayList<>(batch.size());
		Map<UUID, Long> lineOf = new HashMap<>();
		Map<UUID, Map<String, Object>> profiles = new HashMap<>();
		Set<String> seen = new HashSet<>();
		for (NdjsonLines.Line line : batch) {
			tally.lines.incrementAndGet();
			if (line.tooLong()) {
				tally.reject(line.number(), "the line is longer than the " + NdjsonLines.MAX_LINE_BYTES / 1024
						+ " KiB a line may have");
				continue;
			}
			User user;
			ImportedUser imported;
			try {
				imported = json.readValue(line.text(), ImportedUser.class);
				if (imported == null) {
					throw new InvalidLine("the line is not a JSON object of a user");
				}
				user = toUser(imported, now);
			}
			catch (JacksonException ex) {
				tally.reject(line.number(), "not a JSON object of a user: " + ex.getOriginalMessage());
				continue;
			}
			catch (InvalidLine ex) {
				tally.reject(line.number(), ex.getMessage());
				continue;
			}
			catch (RuntimeException ex) {
				tally.reject(line.number(), "not a valid user: " + ex.getMessage());
				continue;
			}
			String username = "u:" + user.username().toLowerCase(Locale.ROOT);
			String email = "e:" + user.email().toLowerCase(Locale.ROOT);
			// All three checked before any is claimed: a line skipped for its email must not take its username.
			if (seen.contains(username) || seen.contains(email) || lineOf.containsKey(user.id())) {
				tally.skip(line.number(), "the username, email or id appears earlier in this batch");
				continue;
			}
			seen.add(username);
			seen.add(email);
			lineOf.put(user.id(), line.number());
			if (imported.profile() != null) {
				profiles.put(user.id(), imported.profile());
			}
			candidates.add(user);
		}
		return users.insertAll(candidates)
			.collectList()
			.flatMap(inserted -> {
				Set<UUID> created = new HashSet<>(inserted);
				List<User> createdUsers = candidates.stream().filter(user -> created.contains(user.id())).toList();
				for (User candidate : candidates) {
					if (!created.contains(candidate.id())) {
						tally.skip(lineOf.get(candidate.id()), "a user with this username, email or id exists");
					}
				}
				tally.created.addAndGet(createdUsers.size());
				return events.createdAll(createdUsers, profiles);
			})
			.as(transactions::transactional);
	}

	private User toUser(ImportedUser line, Instant now) {
		String username = required(line.username(), "username").strip();
		if (!USERNAME.matcher(username).matches()) {
			throw new InvalidLine("username must be 1 to 150 letters, digits or @/./+/-/_");
		}
		String email = required(line.email(), "email").strip();
		if (email.length() > 254 || !EMAIL.matcher(email).matches()) {
			throw new InvalidLine("email is not an email address");
		}
		String firstName = line.firstName() == null ? "" : line.firstName().strip();
		String lastName = line.lastName() == null ? "" : line.lastName().strip();
		if (firstName.length() > 150 || lastName.length() > 150) {
			throw new InvalidLine("names may have at most 150 characters");
		}
		// Field by field: two halves of a surrogate pair in neighbouring fields would make a pair when joined.
		if (!Stream.of(username, email, firstName, lastName).allMatch(TypedText::isTyped)) {
			throw new InvalidLine("username, email and names " + TypedText.MESSAGE);
		}
		if (line.dateJoined() != null && (line.dateJoined().isBefore(EARLIEST_JOINED)
				|| line.dateJoined().isAfter(now.plus(java.time.Duration.ofDays(1))))) {
			throw new InvalidLine("dateJoined must lie between 1970 and now");
		}
		List<String> roles = line.roles() == null ? List.of() : line.roles();
		if (roles.size() > 20 || !roles.stream().allMatch(role -> role != null && ROLE.matcher(role).matches())) {
			throw new InvalidLine("roles must be lower-case words (letters, digits, - or _)");
		}
		if (line.profile() != null && (line.profile().size() > 50 || line.profile().containsValue(null))) {
			throw new InvalidLine("profile may hold at most 50 values, none of them null");
		}
		return new User(line.id() == null ? UUID.randomUUID() : line.id(), username, email, hash(line.passwordHash()),
				firstName, lastName, line.active() == null || line.active(), false, List.copyOf(roles),
				line.dateJoined() == null ? now : line.dateJoined().truncatedTo(ChronoUnit.MICROS), null, 1);
	}

	/** The stored form of an imported hash, or absent when the line has none. */
	private @Nullable String hash(@Nullable String given) {
		if (given == null || given.isBlank()) {
			return null;
		}
		String stored = given.startsWith("pbkdf2_sha256$") ? "{" + DjangoPasswordEncoder.ID + "}" + given : given;
		if (!hashes.verifiable(stored)) {
			throw new InvalidLine("passwordHash must be Django's pbkdf2_sha256$... (at most "
					+ DjangoPasswordEncoder.MAX_ITERATIONS + " iterations), or an {argon2} (at most "
					+ PasswordHashes.MAX_ARGON2_MEMORY_KIB + " KiB, " + PasswordHashes.MAX_ARGON2_ITERATIONS
					+ " iterations), {bcrypt} (cost 4 to " + PasswordHashes.MAX_BCRYPT_COST
					+ ") or {pbkdf2@SpringSecurity_v5_8} hash");
		}
		return stored;
	}

	private static String required(@Nullable String value, String field) {
		if (value == null || value.isBlank()) {
			throw new InvalidLine(field + " is required");
		}
		return value;
	}

	private static final class InvalidLine extends RuntimeException {

		InvalidLine(String message) {
			super(message);
		}
	}

	/** Counts and problem lines of one import; batches run one after another, so plain collections suffice. */
	private static final class Tally {

		final AtomicLong lines = new AtomicLong();

		final AtomicLong created = new AtomicLong();

		final AtomicLong skipped = new AtomicLong();

		final AtomicLong rejected = new AtomicLong();

		final List<ImportReport.LineProblem> problems = new ArrayList<>();

		void skip(long line, String reason) {
			skipped.incrementAndGet();
			note(new ImportReport.LineProblem(line, "skipped", reason));
		}

		void reject(long line, String reason) {
			rejected.incrementAndGet();
			note(new ImportReport.LineProblem(line, "rejected", reason));
		}

		private void note(ImportReport.LineProblem problem) {
			if (problems.size() < MAX_PROBLEMS) {
				problems.add(problem);
			}
		}

		ImportReport report() {
			List<ImportReport.LineProblem> byLine = new ArrayList<>(problems);
			byLine.sort(java.util.Comparator.comparingLong(ImportReport.LineProblem::line));
			return new ImportReport(lines.get(), created.get(), skipped.get(), rejected.get(), List.copyOf(byLine),
					skipped.get() + rejected.get() > problems.size());
		}
	}
}
