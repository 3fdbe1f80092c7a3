package dev.tandem.identity.keycloak;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.tandem.identity.WithKeycloakUsers;
import dev.tandem.identity.user.User;
import dev.tandem.identity.user.UserMirror;
import io.r2dbc.spi.Connection;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Mirrors the users born in Keycloak without identity-service (admin console, identity brokering and social first
 * logins, LDAP, imports), which fire nothing in Tandem: it pages through the realm's users with the admin API and
 * writes {@code UserCreated} for users never seen, {@code UserUpdated} for changed ones and {@code UserDeleted} for
 * users gone from Keycloak, each page in a transaction of its own. Running it again changes nothing.
 *
 * <p>With several replicas one syncs at a time: the one holding a PostgreSQL advisory lock on a connection kept for
 * the sync. A user is only deleted here after Keycloak confirmed by id that it is gone, and only if it was mirrored
 * before the sync began, so neither a shifting listing nor a registration during the sync loses a user.
 */
@Service
@WithKeycloakUsers
class KeycloakSync {

	/** The advisory lock key that elects the syncing replica ("tandemKS" in ASCII, folded into a long). */
	static final long SYNC_LOCK = 0x74616E64656D4B53L;

	private static final Logger log = LoggerFactory.getLogger(KeycloakSync.class);

	private static final int MIRROR_PAGE = 500;

	private final KeycloakDirectory directory;

	private final UserMirror mirror;

	private final DatabaseClient database;

	private final TransactionalOperator transactions;

	private final KeycloakSettings settings;

	private final Clock clock;

	KeycloakSync(KeycloakDirectory directory, UserMirror mirror, DatabaseClient database,
			TransactionalOperator transactions, KeycloakSettings settings, Clock clock) {
		this.directory = directory;
		this.mirror = mirror;
		this.database = database;
		this.transactions = transactions;
		this.settings = settings;
		this.clock = clock;
	}

	/** Syncs now, unless another replica is syncing; the report says which. */
	Mono<SyncReport> sync() {
		long start = System.nanoTime();
		return database.inConnection(connection -> tryLock(connection).flatMap(locked -> {
			if (!locked) {
				return Mono.just(SyncReport.notRun(millisSince(start)));
			}
			return Mono.usingWhen(Mono.just(connection), held -> run(start), this::unlock,
					(held, failure) -> unlock(held), this::unlock);
		})).doOnNext(report -> {
			if (!report.ran()) {
				log.info("Keycloak sync skipped: another replica is syncing");
			}
			else if (report.created() + report.updated() + report.deleted() > 0) {
				log.info("Keycloak sync: {} users, {} created, {} updated, {} deleted, {} left for the next sync, "
						+ "{} not mirrorable, in {} ms", report.users(), report.created(), report.updated(),
						report.deleted(), report.deferred(), report.unsupported(), report.millis());
			}
			else {
				log.debug("Keycloak sync: {} users, no change, in {} ms", report.users(), report.millis());
			}
		});
	}

	private Mono<SyncReport> run(long start) {
		Instant started = clock.instant();
		Instant newest = started.minus(settings.newUserGrace());
		int size = settings.pageSize();
		AtomicInteger offset = new AtomicInteger();
		Tally tally = new Tally();
		Set<UUID> seen = new HashSet<>();
		return directory.page(0, size)
			.expand(page -> page.listed() < size ? Mono.empty() : directory.page(offset.addAndGet(size), size))
			.concatMap(page -> {
				tally.users.addAndGet(page.listed());
				tally.unsupported.addAndGet(page.unsupported());
				page.users().forEach(user -> seen.add(user.id()));
				List<UserMirror.DirectoryUser> settled = page.users()
					.stream()
					.filter(user -> !user.createdAt().isAfter(newest))
					.toList();
				tally.deferred.addAndGet(page.users().size() - settled.size());
				return mirror.mirror(settled).as(transactions::transactional).doOnNext(mirrored -> {
					tally.created.addAndGet(mirrored.created());
					tally.updated.addAndGet(mirrored.updated());
				});
			})
			.then(Mono.defer(() -> removeGone(seen, started, tally)))
			.then(Mono.fromSupplier(() -> new SyncReport(true, tally.users.get(), tally.created.get(),
					tally.updated.get(), tally.deleted.get(), tally.deferred.get(), tally.unsupported.get(),
					millisSince(start))));
	}

	/** Deletes the mirrored users Keycloak no longer has, after asking it about each by id. */
	private Mono<Void> removeGone(Set<UUID> seen, Instant started, Tally tally) {
		AtomicReference<@Nullable UUID> after = new AtomicReference<>();
		return mirror.pageAfter(null, MIRROR_PAGE)
			.collectList()
			.expand(page -> {
				if (page.size() < MIRROR_PAGE) {
					return Mono.empty();
				}
				after.set(page.get(page.size() - 1).id());
				return mirror.pageAfter(after.get(), MIRROR_PAGE).collectList();
			})
			.concatMapIterable(page -> page)
			.filter(user -> !seen.contains(user.id()) && user.dateJoined().isBefore(started))
			.map(User::id)
			.concatMap(id -> directory.exists(id)
				.filter(exists -> !exists)
				.flatMap(gone -> mirror.forget(id).as(transactions::transactional))
				.doOnNext(forgotten -> {
					if (forgotten) {
						tally.deleted.incrementAndGet();
					}
				}))
			.then();
	}

	private static Mono<Boolean> tryLock(Connection connection) {
		return Mono.from(connection.createStatement("select pg_try_advisory_lock($1)").bind("$1", SYNC_LOCK).execute())
			.flatMap(result -> Mono.from(result.map((row, meta) -> Boolean.TRUE.equals(row.get(0, Boolean.class)))));
	}

	private Mono<Void> unlock(Connection connection) {
		return Mono.from(connection.createStatement("select pg_advisory_unlock($1)").bind("$1", SYNC_LOCK).execute())
			.flatMap(result -> Mono.from(result.getRowsUpdated()))
			.then();
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
	}
}
