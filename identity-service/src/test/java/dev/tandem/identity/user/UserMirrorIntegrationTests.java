package dev.tandem.identity.user;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.tandem.events.user.UserUpdated;
import dev.tandem.identity.IdentityIntegrationTest;
import dev.tandem.identity.TestUsers;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The mirror of an identity provider's users on the real database, with the provider's state given by the test (the
 * Keycloak sync end to end is in the end-to-end tests).
 */
@IdentityIntegrationTest
class UserMirrorIntegrationTests {

	@Autowired
	UserMirror mirror;

	@Autowired
	Users users;

	@Autowired
	DatabaseClient database;

	@Autowired
	TransactionalOperator transactions;

	/** The provider's users as they are now. */
	final Map<UUID, UserMirror.DirectoryUser> provider = new HashMap<>();

	@Test
	void mirrorsTwoUsersWhoSwappedEmailsBetweenTwoSyncs() {
		UserMirror.DirectoryUser alice = given(TestUsers.unique("alice"), "alice");
		UserMirror.DirectoryUser bob = given(TestUsers.unique("bob"), "bob");
		sync(alice, bob);

		UserMirror.DirectoryUser aliceNow = given(alice, alice.username(), bob.email());
		UserMirror.DirectoryUser bobNow = given(bob, bob.username(), alice.email());
		UserMirror.Mirrored mirrored = sync(aliceNow, bobNow);

		assertThat(mirrored.updated()).isEqualTo(2);
		assertThat(users.findById(alice.id()).block().email()).isEqualTo(bob.email());
		assertThat(users.findById(bob.id()).block().email()).isEqualTo(alice.email());
		assertThat(updatedEventsOf(alice.id())).isEqualTo(1);
		assertThat(updatedEventsOf(bob.id())).isEqualTo(1);
	}

	@Test
	void mirrorsARotationOfUsernamesListedOneUserAtATime() {
		UserMirror.DirectoryUser first = given(TestUsers.unique("first"), "first");
		UserMirror.DirectoryUser second = given(TestUsers.unique("second"), "second");
		UserMirror.DirectoryUser third = given(TestUsers.unique("third"), "third");
		sync(first, second, third);

		// Each takes the next one's username, and the listing brings them one per page, as across pages.
		UserMirror.DirectoryUser firstNow = given(first, second.username(), first.email());
		given(second, third.username(), second.email());
		given(third, first.username(), third.email());
		UserMirror.Mirrored mirrored = sync(firstNow);

		assertThat(mirrored.updated()).as("all three, though the page listed one").isEqualTo(3);
		assertThat(users.findById(first.id()).block().username()).isEqualTo(second.username());
		assertThat(users.findById(second.id()).block().username()).isEqualTo(third.username());
		assertThat(users.findById(third.id()).block().username()).isEqualTo(first.username());
		assertThat(updatedEventsOf(first.id()) + updatedEventsOf(second.id()) + updatedEventsOf(third.id()))
			.isEqualTo(3);
	}

	@Test
	void createsANewUserUnderTheUsernameAnotherGaveUpInTheSamePage() {
		UserMirror.DirectoryUser alice = given(TestUsers.unique("alice"), "alice");
		sync(alice);

		UserMirror.DirectoryUser renamed = given(alice, alice.username() + "-old", alice.email());
		UserMirror.DirectoryUser newcomer = given(new UserMirror.DirectoryUser(UUID.randomUUID(), alice.username(),
				"newcomer-" + alice.email(), "New", "Comer", true, Instant.parse("2026-01-02T00:00:00Z")),
				alice.username(), "newcomer-" + alice.email());
		UserMirror.Mirrored mirrored = sync(newcomer, renamed);

		assertThat(mirrored.created()).isEqualTo(1);
		assertThat(mirrored.updated()).isEqualTo(1);
		assertThat(users.findById(newcomer.id()).block().username()).isEqualTo(alice.username());
		assertThat(users.findById(alice.id()).block().username()).isEqualTo(alice.username() + "-old");
	}

	@Test
	void refusesAnEmailAnotherUserStillHoldsAndChangesNothing() {
		UserMirror.DirectoryUser alice = given(TestUsers.unique("alice"), "alice");
		UserMirror.DirectoryUser bob = given(TestUsers.unique("bob"), "bob");
		sync(alice, bob);

		// The provider gives alice bob's email, case apart, while bob keeps it: no swap, a conflict.
		UserMirror.DirectoryUser aliceNow = given(alice, alice.username(), bob.email().toUpperCase());
		assertThatThrownBy(() -> sync(aliceNow)).isInstanceOf(DataIntegrityViolationException.class);

		assertThat(users.findById(alice.id()).block().email()).isEqualTo(alice.email());
		assertThat(users.findById(bob.id()).block().email()).isEqualTo(bob.email());
		assertThat(updatedEventsOf(alice.id())).isZero();
	}

	@Test
	void neverBringsBackAUserDeletedSinceTheProvidersPageWasListed() {
		UserMirror.DirectoryUser listed = given(TestUsers.unique("lazarus"), "lazarus");
		sync(listed);
		// The user is deleted here (and in the provider) while a sync still holds a page listed before.
		users.delete(listed.id()).as(transactions::transactional).block();
		long eventsBefore = eventsOf(listed.id());

		UserMirror.Mirrored mirrored = sync(listed);

		assertThat(mirrored.created()).isZero();
		assertThat(users.findById(listed.id()).blockOptional()).isEmpty();
		assertThat(eventsOf(listed.id())).isEqualTo(eventsBefore);
	}

	@Test
	void refusesAUserWhoseNamesAreLongerThanTheEventsCarryAndChangesNothing() {
		UserMirror.DirectoryUser longNamed = new UserMirror.DirectoryUser(UUID.randomUUID(), TestUsers.unique("long"),
				TestUsers.unique("long") + "@example.com", "Ann", "L".repeat(151), true, Instant.parse("2026-01-01T00:00:00Z"));
		provider.put(longNamed.id(), longNamed);
		assertThatThrownBy(() -> sync(longNamed)).isInstanceOf(UnmirrorableUser.class)
			.hasMessageContaining("first or last name has more than 150 characters");
		assertThat(users.findById(longNamed.id()).blockOptional()).isEmpty();
		assertThat(eventsOf(longNamed.id())).isZero();

		UserMirror.DirectoryUser fitting = given(TestUsers.unique("renamed"), "renamed");
		sync(fitting);
		UserMirror.DirectoryUser renamed = given(fitting, "r".repeat(151), fitting.email());
		assertThatThrownBy(() -> sync(renamed)).isInstanceOf(UnmirrorableUser.class)
			.hasMessageContaining("username must have 1 to 150 characters");
		assertThat(users.findById(fitting.id()).block().username()).isEqualTo(fitting.username());
		assertThat(updatedEventsOf(fitting.id())).isZero();
	}

	private UserMirror.DirectoryUser given(String username, String firstName) {
		return given(new UserMirror.DirectoryUser(UUID.randomUUID(), username, username + "@example.com", firstName,
				"Mirrored", true, Instant.parse("2026-01-01T00:00:00Z")), username, username + "@example.com");
	}

	private UserMirror.DirectoryUser given(UserMirror.DirectoryUser user, String username, String email) {
		UserMirror.DirectoryUser now = new UserMirror.DirectoryUser(user.id(), username, email, user.firstName(),
				user.lastName(), user.enabled(), user.createdAt());
		provider.put(user.id(), now);
		return now;
	}

	private UserMirror.Mirrored sync(UserMirror.DirectoryUser... page) {
		return mirror.mirror(List.of(page), id -> Mono.justOrEmpty(provider.get(id)))
			.as(transactions::transactional)
			.block();
	}

	private long eventsOf(UUID id) {
		return database.sql("select count(*) from outbox where subject = :id")
			.bind("id", id.toString())
			.map(row -> row.get(0, Long.class))
			.one()
			.block();
	}

	private long updatedEventsOf(UUID id) {
		return database.sql("select count(*) from outbox where subject = :id and event_type = :type")
			.bind("id", id.toString())
			.bind("type", UserUpdated.TYPE)
			.map(row -> row.get(0, Long.class))
			.one()
			.block();
	}
}
