package dev.tandem.identity.keycloak;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.tandem.identity.WithKeycloakUsers;
import dev.tandem.identity.user.UnmirrorableUser;
import dev.tandem.identity.user.User;
import dev.tandem.identity.user.UserMirror;
import dev.tandem.support.data.DataRefusals;
import dev.tandem.support.data.SessionLocks;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.r2dbc.autoconfigure.R2dbcConnectionDetails;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Mirrors the users born in Keycloak without identity-service (admin console, identity brokering and social first
 * logins, LDAP, imports), which fire nothing in Tandem: it pages through the realm's users with the admin API and
 * writes {@code UserCreated} for users never seen, {@code UserUpdated} for changed ones and {@code UserDeleted} for
 * users gone from Keycloak. Running it again changes nothing.
 *
 * <p>It first lists which users Keycloak has, then deletes the mirrored users it no longer has (each only after
 * Keycloak answered 404 for its id, only if mirrored before the sync began, and not at all when that would remove
 * most of the mirror: an empty or replaced realm is not a reason to delete everyone), then mirrors the realm a page at
 * a time, each page in a transaction of its own and, should the database refuse a page's data, each user of it alone,
 * so one user the mirror cannot take (a name another mirrored user still holds) never stops the others. Any other
 * failure (the database or Keycloak unavailable) ends the sync; the next one starts over.
 *
 * <p>With several replicas one syncs at a time: the one holding a PostgreSQL advisory lock on a connection of its own,
 * outside the pool, which is closed when the sync ends however it ends, and the lock with it.
 */
@Service
@WithKeycloakUsers
class KeycloakSync {

	/** The advisory lock key that elects the syncing replica ("tandemKS" in ASCII, folded into a long). */
	static final long SYNC_LOCK = 0x74616E64656D4B53L;

	private static final Logger log = LoggerFactory.getLogger(KeycloakSync.class);

	private static final int MIRROR_PAGE = 500;

	/** Deleting more mirrored users than this at once needs a human; fewer is routine. */
	private static final int ROUTINE_DELETIONS = 10;

	private final KeycloakDirectory directory;

	private final UserMirror mirror;

	private final TransactionalOperator transactions;

	private final KeycloakSettings settings;

	private final Clock clock;

	private final SessionLocks locks;

	KeycloakSync(KeycloakDirectory directory, UserMirror mirror, TransactionalOperator transactions,
			KeycloakSettings settings, Clock clock, R2dbcConnectionDetails connectionDetails) {
		this.directory = directory;
		this.mirror = mirror;
		this.transactions = transactions;
		this.settings = settings;
		this.clock = clock;
		this.locks = new SessionLocks(connectionDetails);
	}

	/** Syncs now, unless another replica is syncing; the report says which. */
	Mono<SyncReport> sync() {
		long start = System.nanoTime();
		return locks.whileHolding(SYNC_LOCK, Mono.defer(() -> run(start)),
				Mono.fromSupplier(() -> SyncReport.notRun(millisSince(start))))
			.doOnNext(this::log);
	}

	private Mono<SyncReport> run(long start) {
		Instant started = clock.instant();
		Tally tally = new Tally();
		return seenInKeycloak(tally)
			.flatMap(seen -> removeGone(seen, started, tally))
			.then(Mono.defer(() -> mirrorAll(started, tally)))
			.then(Mono.fromSupplier(() -> tally.report(millisSince(start))));
	}

	/** The ids of every user the realm has. */
	private Mono<Set<UUID>> seenInKeycloak(Tally tally) {
		Set<UUID> seen = new HashSet<>();
		return pages().doOnNext(page -> {
			tally.users.addAndGet(page.listed());
			tally.unsupported.addAndGet(page.unsupported());
			page.users().forEach(user -> seen.add(user.id()));
		}).then(Mono.just(seen));
	}

	/** Creates and updates the mirror, a page at a time; a page that fails is done again one user at a time. */
	private Mono<Void> mirrorAll(Instant started, Tally tally) {
		Instant newest = started.minus(settings.newUserGrace());
		return pages().concatMap(page -> {
			List<UserMirror.DirectoryUser> settled = page.users()
				.stream()
				.filter(user -> !user.createdAt().isAfter(newest))
				.toList();
			tally.deferred.addAndGet(page.users().size() - settled.size());
			// Only a refusal of the data (a username or email another user still holds, a name longer than the
			// events carry) is one user's: anything else (the database or Keycloak unavailable) would fail each user
			// alone as well, and ends the sync.
			return mirrored(settled, tally).onErrorResume(KeycloakSync::oneUsersFault, failure -> {
				log.warn("Mirroring a page of {} Keycloak users failed ({}); mirroring them one at a time",
						settled.size(), failure.toString());
				return Flux.fromIterable(settled).concatMap(user -> mirrored(List.of(user), tally)
					.onErrorResume(KeycloakSync::oneUsersFault, refused -> {
						tally.failed.incrementAndGet();
						log.warn("Keycloak user {} ({}) cannot be mirrored: {}", user.id(), user.username(),
								refused.toString());
						return Mono.empty();
					})).then();
			});
		}).then();
	}

	private static boolean oneUsersFault(Throwable failure) {
		return failure instanceof UnmirrorableUser || DataRefusals.refusedAsData(failure);
	}

	private Mono<Void> mirrored(List<UserMirror.DirectoryUser> users, Tally tally) {
		return mirror.mirror(users, directory::current).as(transactions::transactional).doOnNext(mirrored -> {
			tally.created.addAndGet(mirrored.created());
			tally.updated.addAndGet(mirrored.updated());
		}).then();
	}

	/** Every page of the realm's users, one listing call after the other. */
	private Flux<KeycloakDirectory.Page> pages() {
		int size = settings.pageSize();
		AtomicInteger offset = new AtomicInteger();
		return directory.page(0, size)
			.expand(page -> page.listed() < size ? Mono.empty() : directory.page(offset.addAndGet(size), size));
	}

	/**
	 * Deletes the mirrored users Keycloak no longer has, after asking it about each by id; refuses when that would
	 * be more than a routine number and most of the mirror.
	 */
	private Mono<Void> removeGone(Set<UUID> seen, Instant started, Tally tally) {
		List<UUID> candidates = new ArrayList<>();
		AtomicLong mirrored = new AtomicLong();
		return mirroredUsers().doOnNext(user -> {
			mirrored.incrementAndGet();
			if (!seen.contains(user.id()) && user.dateJoined().isBefore(started)) {
				candidates.add(user.id());
			}
		}).then(Mono.defer(() -> {
			if (candidates.size() > ROUTINE_DELETIONS && candidates.size() * 2 > mirrored.get()
					&& !settings.allowMassDeletion()) {
				tally.deletionsRefused.set(candidates.size());
				log.error("Keycloak no longer lists {} of the {} mirrored users: an empty or replaced realm? Not "
						+ "deleting them. If it is meant, set tandem.keycloak.allow-mass-deletion=true for one sync.",
						candidates.size(), mirrored.get());
				return Mono.empty();
			}
			return Flux.fromIterable(candidates)
				.concatMap(id -> directory.exists(id)
					.filter(exists -> !exists)
					.flatMap(gone -> mirror.forget(id).as(transactions::transactional))
					.doOnNext(forgotten -> {
						if (forgotten) {
							tally.deleted.incrementAndGet();
						}
					}))
				.then();
		}));
	}

	/** Every mirrored user, in id order, a page at a time. */
	private Flux<User> mirroredUsers() {
		return mirror.pageAfter(null, MIRROR_PAGE)
			.collectList()
			.expand(page -> page.size() < MIRROR_PAGE ? Mono.empty()
					: mirror.pageAfter(page.get(page.size() - 1).id(), MIRROR_PAGE).collectList())
			.concatMapIterable(page -> page);
	}

	private void log(SyncReport report) {
		if (!report.ran()) {
			log.info("Keycloak sync skipped: another replica is syncing");
			return;
		}
		if (report.unsupported() > 0 || report.failed() > 0 || report.deletionsRefused() > 0) {
			log.warn("Keycloak sync: {} users, {} created, {} updated, {} deleted; {} cannot be mirrored (ids that "
					+ "are not UUIDs), {} failed, {} deletions refused, in {} ms", report.users(), report.created(),
					report.updated(), report.deleted(), report.unsupported(), report.failed(),
					report.deletionsRefused(), report.millis());
		}
		else if (report.created() + report.updated() + report.deleted() > 0) {
			log.info("Keycloak sync: {} users, {} created, {} updated, {} deleted, {} left for the next sync, in {} ms",
					report.users(), report.created(), report.updated(), report.deleted(), report.deferred(),
					report.millis());
		}
		else {
			log.debug("Keycloak sync: {} users, no change, in {} ms", report.users(), report.millis());
		}
	}

	private static long millisSince(long start) {
		return Duration.ofNanos(System.nanoTime() - start).toMillis();
	}

	private static final class Tally {

		final AtomicLong users = new AtomicLong();

		final AtomicLong created = new AtomicLong();

		final AtomicLong updated = new AtomicLong();

		final AtomicLong deleted = new AtomicLong();

		final AtomicLong deferred = new AtomicLong();

		final AtomicLong unsupported = new AtomicLong();

		final AtomicLong failed = new AtomicLong();

		final AtomicLong deletionsRefused = new AtomicLong();

		SyncReport report(long millis) {
			return new SyncReport(true, users.get(), created.get(), updated.get(), deleted.get(), deferred.get(),
					unsupported.get(), failed.get(), deletionsRefused.get(), millis);
		}
	}
}
