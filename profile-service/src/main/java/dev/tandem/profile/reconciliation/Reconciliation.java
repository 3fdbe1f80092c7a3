package dev.tandem.profile.reconciliation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import dev.tandem.events.user.UserDeleted;
import dev.tandem.events.user.UserEvent;
import dev.tandem.events.user.UserUpdated;
import dev.tandem.profile.identity.IdentityClient;
import dev.tandem.profile.identity.UserFacts;
import dev.tandem.profile.profiles.Profile;
import dev.tandem.profile.profiles.Profiles;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Service;

/**
 * Compares profiles with users a page at a time: identity-service's users in id order, and this service's profiles
 * in the same id range, so neither side is ever held whole in memory. A user without a profile is missing one; a
 * profile whose user identity-service does not have (asked once more, by id) is orphaned. Repair creates the missing profiles from the
 * users' facts and removes the orphans (with a tombstone), through the same idempotent statements the consumer uses.
 * <p>
 * A user found without a profile may only be on its way: its {@code UserCreated} still in the outbox, in Kafka or in
 * the consumer's batch. A run that only measures looks at those users again once {@link ReconciliationSettings#grace}
 * has passed, and counts only the ones still without a profile (and still users); a repair creates them at once,
 * which the consumer's statements make harmless when the event then arrives.
 */
@Service
class Reconciliation {

	static final int SAMPLE = 100;

	private static final int PAGE = 1000;

	private static final Logger log = LoggerFactory.getLogger(Reconciliation.class);

	private final IdentityClient identity;

	private final Profiles profiles;

	private final Clock clock;

	private final ReconciliationSettings settings;

	private final AtomicLong missing = new AtomicLong();

	private final AtomicLong orphaned = new AtomicLong();

	Reconciliation(IdentityClient identity, Profiles profiles, Clock clock, ReconciliationSettings settings,
			MeterRegistry meters) {
		this.identity = identity;
		this.profiles = profiles;
		this.clock = clock;
		this.settings = settings;
		Gauge.builder("tandem.profiles.drift", missing, AtomicLong::get)
			.tag("kind", "missing")
			.description("Users without a profile, at the last reconciliation")
			.register(meters);
		Gauge.builder("tandem.profiles.drift", orphaned, AtomicLong::get)
			.tag("kind", "orphaned")
			.description("Profiles without a user, at the last reconciliation")
			.register(meters);
	}

	Mono<ReconciliationReport> run(boolean repair) {
		Instant started = clock.instant();
		Tally tally = new Tally();
		return identity.users(null, PAGE)
			.expand(page -> page.next() == null ? Mono.empty() : identity.users(page.next(), PAGE))
			.concatMap(page -> compare(page.items(), tally, repair, started))
			.then(Mono.defer(() -> orphansAfter(tally.last, tally, repair, started)))
			.then(Mono.defer(() -> recheck(tally)))
			.then(Mono.fromSupplier(() -> {
				ReconciliationReport report = tally.report(repair, Duration.between(started, clock.instant()));
				missing.set(repair ? 0 : report.missingProfiles());
				orphaned.set(repair ? 0 : report.orphanedProfiles());
				log.info("Reconciliation{}: {} users, {} profiles, {} missing, {} orphaned, in {} ms",
						repair ? " with repair" : "", report.users(), report.profiles(), report.missingProfiles(),
						report.orphanedProfiles(), report.millis());
				return report;
			}));
	}

	/** Compares one page of users with the profiles in the same id range. */
	private Mono<Void> compare(List<UserFacts> users, Tally tally, boolean repair, Instant started) {
		if (users.isEmpty()) {
			return Mono.empty();
		}
		UUID from = tally.last;
		UUID to = users.get(users.size() - 1).userId();
		// Profiles in the page's id range: about a page of them, more only where orphans crowd the range.
		return profilesIn(from, to).flatMap(held -> {
			Map<UUID, UserFacts> byId = users.stream().collect(Collectors.toMap(UserFacts::userId, user -> user));
			Set<UUID> profileIds = held.stream().map(Profile::userId).collect(Collectors.toSet());
			List<UserEvent> repairs = new ArrayList<>();
			Instant now = clock.instant();
			for (UserFacts user : users) {
				if (!profileIds.contains(user.userId())) {
					if (!repair && tally.rechecked.size() < settings.maxRechecked()) {
						tally.recheckLater(user.userId(), now);
						continue;
					}
					tally.missing(user.userId());
					repairs.add(new UserUpdated(user.userId(), user.version(), now, user.username(), user.email(),
							user.firstName(), user.lastName(), user.active(), Set.of()));
				}
			}
			List<Profile> suspects = held.stream().filter(profile -> !byId.containsKey(profile.userId())).toList();
			tally.users.addAndGet(users.size());
			tally.profiles.addAndGet(held.size());
			tally.last = to;
			return confirmedOrphans(suspects, started).flatMap(orphans -> {
				orphans.forEach(profile -> {
					tally.orphaned(profile.userId());
					repairs.add(orphanRemoval(profile, now));
				});
				return repair && !repairs.isEmpty() ? profiles.applyAll(repairs, now).then() : Mono.<Void>empty();
			});
		});
	}

	/**
	 * Looks again at the users found without a profile, once each has had the grace (the wait runs from the last
	 * one found, so it adds at most the grace to the run). Those whose profile came since are counted with the
	 * profiles; those still without one are missing, unless identity-service, asked again by id, no longer has the
	 * user (deleted meanwhile).
	 */
	private Mono<Void> recheck(Tally tally) {
		Instant last = tally.lastRecheckedAt;
		if (last == null) {
			return Mono.empty();
		}
		Duration wait = Duration.between(clock.instant(), last.plus(settings.grace()));
		return Mono.delay(wait.isNegative() ? Duration.ZERO : wait)
			.thenMany(Flux.fromIterable(tally.rechecked).buffer(PAGE))
			.concatMap(ids -> profiles.findAll(ids).map(Profile::userId).collect(Collectors.toSet()).flatMapMany(found -> {
				tally.profiles.addAndGet(found.size());
				return Flux.fromIterable(ids).filter(id -> !found.contains(id));
			}))
			.flatMapSequential(id -> identity.user(id).map(UserFacts::userId), 8)
			.doOnNext(tally::missing)
			.then();
	}

	/** Every profile after the last user: orphans, once confirmed. */
	private Mono<Void> orphansAfter(@Nullable UUID after, Tally tally, boolean repair, Instant started) {
		return profiles.inRange(after, null, PAGE).collectList().flatMap(held -> {
			if (held.isEmpty()) {
				return Mono.empty();
			}
			Instant now = clock.instant();
			tally.profiles.addAndGet(held.size());
			UUID last = held.get(held.size() - 1).userId();
			Mono<Void> thisPage = confirmedOrphans(held, started).flatMap(orphans -> {
				orphans.forEach(profile -> tally.orphaned(profile.userId()));
				return repair && !orphans.isEmpty()
						? profiles.applyAll(orphans.stream().map(profile -> orphanRemoval(profile, now)).toList(), now).then()
						: Mono.<Void>empty();
			});
			return held.size() < PAGE ? thisPage : thisPage.then(Mono.defer(() -> orphansAfter(last, tally, repair, started)));
		});
	}

	/**
	 * The suspects that really are orphans. A profile is only suspected because its user was not in a page read a
	 * moment earlier; a user who signed up since has a profile the page could not know of. So a suspect made after
	 * the run started is left alone, and each other one is confirmed with identity-service before it counts (and
	 * before a repair removes it for good).
	 */
	private Mono<List<Profile>> confirmedOrphans(List<Profile> suspects, Instant started) {
		return Flux.fromIterable(suspects)
			.filter(profile -> profile.createdAt().isBefore(started))
			.flatMapSequential(profile -> identity.user(profile.userId()).hasElement()
				.filter(exists -> !exists)
				.map(gone -> profile), 8)
			.collectList();
	}

	private Mono<List<Profile>> profilesIn(@Nullable UUID from, UUID to) {
		return profiles.inRange(from, to, Integer.MAX_VALUE).collectList();
	}

	private static UserEvent orphanRemoval(Profile profile, Instant now) {
		return new UserDeleted(profile.userId(), profile.identityVersion() + 1, now,
				profile.username() == null ? "" : profile.username(), profile.email() == null ? "" : profile.email(), "",
				"", false);
	}

	/** The counts of one run; pages are compared one after another. */
	private static final class Tally {

		final AtomicLong users = new AtomicLong();

		final AtomicLong profiles = new AtomicLong();

		long missingCount;

		long orphanedCount;

		final List<UUID> missingSample = new ArrayList<>();

		/** Users found without a profile, to be looked at again after the grace (runs that only measure). */
		final List<UUID> rechecked = new ArrayList<>();

		@Nullable Instant lastRecheckedAt;

		final List<UUID> orphanedSample = new ArrayList<>();

		@Nullable UUID last;

		void recheckLater(UUID userId, Instant now) {
			lastRecheckedAt = now;
			rechecked.add(userId);
		}

		void missing(UUID userId) {
			missingCount++;
			if (missingSample.size() < SAMPLE) {
				missingSample.add(userId);
			}
		}

		void orphaned(UUID userId) {
			orphanedCount++;
			if (orphanedSample.size() < SAMPLE) {
				orphanedSample.add(userId);
			}
		}

		ReconciliationReport report(boolean repaired, Duration took) {
			return new ReconciliationReport(users.get(), profiles.get(), missingCount, orphanedCount,
					List.copyOf(missingSample), List.copyOf(orphanedSample), repaired, took.toMillis());
		}
	}

}
