package dev.tandem.identity.user;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Service;

/**
 * Keeps the users table a mirror of an identity provider (Keycloak) that users can also be created, changed and
 * deleted in without identity-service (its admin console, identity brokering, LDAP, imports): each difference found
 * becomes the row change and the event it would have been, so every user still gets its profile (Django's
 * {@code bulk_create} caveat, closed). Call it inside a transaction.
 */
@Service
public class UserMirror {

	private final Users users;

	private final UserEventOutbox events;

	UserMirror(Users users, UserEventOutbox events) {
		this.users = users;
		this.events = events;
	}

	/**
	 * Brings the mirror in line with a page of the provider's users: {@code UserCreated} for those it has never seen,
	 * {@code UserUpdated} for those whose username, email, names or enabled flag differ.
	 *
	 * @param current the provider's user as it is now, asked for each user about to be changed
	 */
	public Mono<Mirrored> mirror(List<DirectoryUser> page, Function<UUID, Mono<DirectoryUser>> current) {
		if (page.isEmpty()) {
			return Mono.just(new Mirrored(0, 0, 0));
		}
		Map<UUID, DirectoryUser> given = page.stream()
			.collect(Collectors.toMap(DirectoryUser::id, Function.identity(), (first, second) -> first));
		return users.findAll(given.keySet()).collectMap(User::id).flatMap(known -> users.deletedAmong(given.keySet())
			.collect(Collectors.toSet())
			.flatMap(deleted -> mirror(given, known, deleted, current)));
	}

	private Mono<Mirrored> mirror(Map<UUID, DirectoryUser> given, Map<UUID, User> known, Set<UUID> deleted,
			Function<UUID, Mono<DirectoryUser>> current) {
		List<User> created = new ArrayList<>();
		List<DirectoryUser> changed = new ArrayList<>();
		for (DirectoryUser user : given.values()) {
			User mirrored = known.get(user.id());
			if (mirrored == null && deleted.contains(user.id())) {
				// Deleted here since the provider's page was listed: an id never lives again.
				continue;
			}
			if (mirrored == null) {
				// A changed user is checked as it is now, when it is updated.
				String unfit = unfit(user);
				if (unfit != null) {
					return Mono.error(new UnmirrorableUser(user.id(), unfit));
				}
				created.add(new User(user.id(), user.username(), user.email(), null, user.firstName(),
						user.lastName(), user.enabled(), false, List.of(), user.createdAt(), null, 1));
			}
			else if (!differences(mirrored, user).isEmpty()) {
				changed.add(user);
			}
		}
		// Updates first: a new user may take a username or email that one of them gives up.
		return Flux.fromIterable(changed)
			.concatMap(user -> update(user.id(), current))
			.reduce(0, Integer::sum)
			.flatMap(updated -> insert(created).thenReturn(new Mirrored(created.size(), updated,
					given.size() - created.size() - changed.size())));
	}

	private Mono<Void> insert(List<User> created) {
		return Flux.fromIterable(created).concatMap(users::insert).then(events.createdAll(created, Map.of()));
	}

	/**
	 * Locks the row, so a concurrent change through the API applies before or after, never half, then compares it
	 * with the provider's user as it is now (not as a listing found it earlier, which a change through the API may
	 * have overtaken).
	 */
	private Mono<Integer> update(UUID id, Function<UUID, Mono<DirectoryUser>> current) {
		return update(id, current, new HashSet<>());
	}

	/**
	 * Updates the user; a username or email that other mirrored users hold is taken from them first, should the
	 * provider have given them something else: two users who swapped emails between two syncs each hold what the other
	 * needs, so this user's are set aside, the holders updated (in turn taking from theirs), and this user's written
	 * last. A holder the provider still gives that username or email keeps it, and the update fails on the unique
	 * index as before.
	 *
	 * @param updating the users this update is already updating, up the chain of holders
	 * @return how many users were written: this one and the holders
	 */
	private Mono<Integer> update(UUID id, Function<UUID, Mono<DirectoryUser>> current, Set<UUID> updating) {
		return users.lock(id).flatMap(mirrored -> current.apply(id).flatMap(user -> {
			Set<String> changed = differences(mirrored, user);
			if (changed.isEmpty()) {
				return Mono.just(0);
			}
			String unfit = unfit(user);
			if (unfit != null) {
				return Mono.error(new UnmirrorableUser(id, unfit));
			}
			updating.add(id);
			User after = new User(mirrored.id(), user.username(), user.email(), mirrored.passwordHash(),
					user.firstName(), user.lastName(), user.enabled(), mirrored.staff(), mirrored.roles(),
					mirrored.dateJoined(), mirrored.lastLogin(), mirrored.version() + 1);
			Mono<Integer> write = users.update(after).then(events.updated(after, changed)).thenReturn(1);
			return users.holding(user.username(), user.email(), id)
				.filter(holder -> !updating.contains(holder))
				.collectList()
				.flatMap(holders -> holders.isEmpty() ? write
						: users.setAside(id)
							.thenMany(Flux.fromIterable(holders).concatMap(holder -> update(holder, current, updating)))
							.reduce(0, Integer::sum)
							.flatMap(moved -> write.map(self -> self + moved)));
		})).defaultIfEmpty(0);
	}

	/**
	 * Deletes a user the provider no longer has, writing {@code UserDeleted}.
	 *
	 * @return whether the mirror had it
	 */
	public Mono<Boolean> forget(UUID id) {
		return users.lock(id)
			.flatMap(user -> users.delete(id)
				.then(events.deleted(user.changed(user.email(), user.firstName(), user.lastName(), user.active(),
						user.roles())))
				.thenReturn(true))
			.defaultIfEmpty(false);
	}

	/** The mirrored users in id order after {@code after}, a page at a time. */
	public Flux<User> pageAfter(@Nullable UUID after, int limit) {
		return users.pageAfter(after, limit);
	}

	/** What of {@code user} the user events cannot carry, or null if they carry all of it. */
	private static @Nullable String unfit(DirectoryUser user) {
		if (longerThan(user.username(), 150) || user.username().isBlank()) {
			return "its username must have 1 to 150 characters";
		}
		if (longerThan(user.email(), 254)) {
			return "its email has more than 254 characters";
		}
		if (longerThan(user.firstName(), 150) || longerThan(user.lastName(), 150)) {
			return "its first or last name has more than 150 characters";
		}
		return null;
	}

	private static boolean longerThan(String text, int characters) {
		return text.codePointCount(0, text.length()) > characters;
	}

	private static Set<String> differences(User mirrored, DirectoryUser user) {
		Set<String> changed = new LinkedHashSet<>();
		if (!mirrored.username().equals(user.username())) {
			changed.add("username");
		}
		if (!mirrored.email().equals(user.email())) {
			changed.add("email");
		}
		if (!mirrored.firstName().equals(user.firstName())) {
			changed.add("firstName");
		}
		if (!mirrored.lastName().equals(user.lastName())) {
			changed.add("lastName");
		}
		if (mirrored.active() != user.enabled()) {
			changed.add("active");
		}
		return changed;
	}

	/** A user as the provider holds it; missing names and emails are empty. */
	public record DirectoryUser(UUID id, String username, String email, String firstName, String lastName,
			boolean enabled, Instant createdAt) {
	}

	/**
	 * What mirroring a page did: users created, users updated (those of other pages included whose username or email
	 * an update of this page needed), and users of the page found unchanged.
	 */
	public record Mirrored(int created, int updated, int unchanged) {
	}
}
