package dev.tandem.identity.bulk;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import dev.tandem.identity.user.User;
import dev.tandem.identity.user.UserEventOutbox;
import dev.tandem.identity.user.Users;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * The backfill: re-emits {@code UserCreated} with every user's current facts and version, for a new consumer or a
 * wiped profile database. Consumers apply an event only when it is newer than what they hold, so running it twice,
 * or on profiles that exist, changes nothing.
 */
@Service
class Republishing {

	private static final Logger log = LoggerFactory.getLogger(Republishing.class);

	private static final int PAGE = 1000;

	private final Users users;

	private final UserEventOutbox events;

	private final TransactionalOperator transactions;

	Republishing(Users users, UserEventOutbox events, TransactionalOperator transactions) {
		this.users = users;
		this.events = events;
		this.transactions = transactions;
	}

	/**
	 * Writes {@code UserCreated} for each user that matches, a page per transaction.
	 *
	 * @param joinedSince only users who joined at or after this instant; all when null
	 * @return how many events were written
	 */
	Mono<Long> republish(@Nullable Instant joinedSince) {
		AtomicLong written = new AtomicLong();
		return page(null, joinedSince, written).then(Mono.fromSupplier(() -> {
			log.info("Republished UserCreated for {} users", written.get());
			return written.get();
		}));
	}

	private Mono<Void> page(@Nullable UUID after, @Nullable Instant joinedSince, AtomicLong written) {
		return users.pageAfter(after, PAGE).collectList().flatMap(page -> {
			if (page.isEmpty()) {
				return Mono.empty();
			}
			List<User> matching = page.stream()
				.filter(user -> joinedSince == null || !user.dateJoined().isBefore(joinedSince))
				.toList();
			written.addAndGet(matching.size());
			UUID last = page.get(page.size() - 1).id();
			Mono<Void> thisPage = events.createdAll(matching, Map.of()).as(transactions::transactional);
			return page.size() < PAGE ? thisPage : thisPage.then(Mono.defer(() -> page(last, joinedSince, written)));
		});
	}
}
