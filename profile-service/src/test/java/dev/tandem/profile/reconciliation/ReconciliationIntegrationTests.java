package dev.tandem.profile.reconciliation;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.tandem.events.user.UserCreated;
import dev.tandem.profile.ProfileIntegrationTest;
import dev.tandem.profile.StandInIdentityService;
import dev.tandem.profile.identity.UserFacts;
import dev.tandem.profile.profiles.Profiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reconciliation that only measures counts a user as missing a profile only when the profile is still not there
 * once the grace has passed: a user whose {@code UserCreated} was on its way is not drift. identity-service's
 * internal API is played by {@link StandInIdentityService}.
 */
@ProfileIntegrationTest
class ReconciliationIntegrationTests {

	private static final StandInIdentityService identity = new StandInIdentityService();

	@DynamicPropertySource
	static void identityService(DynamicPropertyRegistry properties) {
		properties.add("tandem.identity.base-url", identity::baseUrl);
		properties.add("tandem.identity.client-secret", () -> "s3cret");
		properties.add("tandem.reconciliation.grace", () -> "3s");
	}

	@AfterAll
	static void stopIdentityService() {
		identity.close();
	}

	@Autowired
	Reconciliation reconciliation;

	@Autowired
	Profiles profiles;

	@Test
	void countsOnlyTheUsersStillWithoutAProfileOnceTheGraceHasPassed() {
		UserFacts withProfile = user("settled");
		UserFacts onItsWay = user("on-its-way");
		UserFacts leaving = user("leaving");
		UserFacts lost = user("lost");
		identity.knows(List.of(withProfile, onItsWay, leaving, lost));
		profiles.applyAll(List.of(created(withProfile)), Instant.now()).block(Duration.ofSeconds(10));
		// A second after the run has read the users, within the grace: one user's UserCreated is applied, and another
		// user is deleted (identity-service no longer knows them; their UserDeleted would find no profile).
		Sinks.One<Long> arrived = Sinks.one();
		identity.onPageServed(() -> {
			identity.onPageServed(() -> {
			});
			Mono.delay(Duration.ofSeconds(1))
				.then(Mono.fromRunnable(() -> identity.knows(List.of(withProfile, onItsWay, lost))))
				.then(profiles.applyAll(List.of(created(onItsWay)), Instant.now()))
				.subscribe(arrived::tryEmitValue, arrived::tryEmitError);
		});

		ReconciliationReport report = reconciliation.run(false).block(Duration.ofSeconds(30));

		assertThat(arrived.asMono().block(Duration.ofSeconds(10))).isEqualTo(1);
		assertThat(report).isNotNull();
		assertThat(report.missingProfiles()).isEqualTo(1);
		assertThat(report.missingSample()).containsExactly(lost.userId());
		assertThat(report.users()).isEqualTo(4);
		// The settled profile and the one that came during the grace; any other is another test's, an orphan here.
		assertThat(report.profiles() - report.orphanedProfiles()).isEqualTo(2);
	}

	@Test
	void aRepairCreatesTheMissingProfilesAtOnceWithoutWaitingForTheGrace() {
		UserFacts lost = user("repaired");
		identity.knows(List.of(lost));

		ReconciliationReport report = reconciliation.run(true).block(Duration.ofSeconds(30));

		assertThat(report).isNotNull();
		assertThat(report.missingSample()).containsExactly(lost.userId());
		assertThat(profiles.findById(lost.userId()).block(Duration.ofSeconds(10))).isNotNull();
	}

	private static UserFacts user(String name) {
		String username = name + "-" + UUID.randomUUID().toString().substring(0, 8);
		return new UserFacts(UUID.randomUUID(), 1, username, username + "@example.com", "", "", true);
	}

	private static UserCreated created(UserFacts user) {
		return new UserCreated(user.userId(), user.version(), Instant.now(), user.username(), user.email(),
				user.firstName(), user.lastName(), user.active(), null);
	}
}
