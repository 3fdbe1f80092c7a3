package dev.tandem.profile.profiles;

import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import dev.tandem.events.user.UserCreated;
import dev.tandem.events.user.UserDeleted;
import dev.tandem.events.user.UserEvent;
import dev.tandem.support.data.LikePattern;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * The profiles table, and how user events change it.
 */
@Repository
public class Profiles {

	/** The fields registration may give values for, besides {@code attributes}. */
	private static final List<String> INITIAL_FIELDS = List.of("displayName", "bio", "birthdate", "phoneNumber",
			"website", "company", "location");

	private static final TypeReference<List<InvalidProfile.FieldProblem>> PROBLEMS = new TypeReference<>() {
	};

	private final DatabaseClient database;

	private final TransactionalOperator transactions;

	private final ProfileSchema schema;

	private final ProfileEventOutbox eventOutbox;

	private final JsonMapper json;

	Profiles(DatabaseClient database, TransactionalOperator transactions, ProfileSchema schema,
			ProfileEventOutbox events, JsonMapper json) {
		this.database = database;
		this.transactions = transactions;
		this.schema = schema;
		this.eventOutbox = events;
		this.json = json;
	}

	/**
	 * Creates the profile of a new user unless it exists or the user is known to be deleted: a redelivered or
	 * duplicated event changes nothing and never fails, because the primary key decides.
	 *
	 * @return whether this call changed the profile
	 */
	public Mono<Boolean> createFor(UserCreated user, Instant now) {
		return applyAll(List.of(user), now).map(changed -> changed > 0);
	}

	/**
	 * Applies a batch of user events in one transaction, a few statements whatever its size. Per user only the
	 * outcome counts: a {@code UserDeleted} removes the profile and leaves a tombstone, so no older or replayed event
	 * brings it back; otherwise the newest event's facts are upserted, creating a missing profile (its
	 * {@code UserCreated} may predate this service) and changing an existing one only when the event is newer than
	 * what the profile holds. Applying a batch twice, or an older event after a newer one, changes nothing.
	 * A {@code UserCreated}'s registration values are applied as far as they are valid (the rest is listed in the
	 * profile, never a reason to fail); every visible change writes its {@code ProfileUpdated} or
	 * {@code ProfileDeleted} in the same transaction.
	 *
	 * @return how many profiles were created, changed or removed
	 */
	public Mono<Long> applyAll(List<UserEvent> events, Instant now) {
		Map<UUID, UserEvent> outcome = new LinkedHashMap<>();
		for (UserEvent event : events) {
			outcome.merge(event.userId(), event, Profiles::outcome);
		}
		List<UserEvent> deleted = outcome.values().stream().filter(UserDeleted.class::isInstance).toList();
		List<UserEvent> upserted = outcome.values().stream().filter(event -> !(event instanceof UserDeleted)).toList();
		return lock(outcome.keySet())
			.then(delete(deleted, now))
			.flatMap(removed -> upsert(upserted, now).map(changed -> removed + changed))
			.as(transactions::transactional);
	}

	/** The display name the user's names make, within the 150 characters a display name may have. */
	private static @Nullable String derivedDisplayName(UserEvent event) {
		String names = (event.firstName() + " " + event.lastName()).strip();
		if (names.codePointCount(0, names.length()) > 150) {
			names = names.substring(0, names.offsetByCodePoints(0, 150)).strip();
		}
		return names.isEmpty() ? null : names;
	}

	/**
	 * What two events of one user amount to: a deletion wins, otherwise the newer facts; a {@code UserCreated}'s
	 * registration values are kept even when a newer update of the same batch brings the facts.
	 */
	private static UserEvent outcome(UserEvent held, UserEvent next) {
		if (held instanceof UserDeleted || next instanceof UserDeleted) {
			return held instanceof UserDeleted ? held : next;
		}
		UserEvent newer = next.version() > held.version() ? next : held;
		UserEvent other = newer == next ? held : next;
		if (!(newer instanceof UserCreated) && other instanceof UserCreated created) {
			return new UserCreated(newer.userId(), newer.version(), newer.occurredAt(), newer.username(), newer.email(),
					newer.firstName(), newer.lastName(), newer.active(), created.initialProfile());
		}
		return newer;
	}

	/**
	 * Locks the users' rows-to-be until the transaction ends (advisory locks, in id order so two batches never wait
	 * on each other in a cycle), so a delete and a concurrent create of one user (the consumer, a first read, a
	 * repair) apply one after the other, and the tombstone is always seen.
	 */
	private Mono<Void> lock(java.util.Collection<UUID> userIds) {
		if (userIds.isEmpty()) {
			return Mono.empty();
		}
		String[] ids = userIds.stream().map(UUID::toString).sorted().toArray(String[]::new);
		return database.sql("""
				select count(pg_advisory_xact_lock(hashtextextended(id, 0)))
				from (select id from unnest(:ids::text[]) as id order by id) as ordered""")
			.bind("ids", ids)
			.then();
	}

	private Mono<Long> upsert(List<UserEvent> events, Instant now) {
		if (events.isEmpty()) {
			return Mono.just(0L);
		}
		int size = events.size();
		String[] ids = new String[size];
		String[] usernames = new String[size];
		String[] emails = new String[size];
		Long[] versions = new Long[size];
		Boolean[] initial = new Boolean[size];
		String[] attributes = new String[size];
		String[] rejected = new String[size];
		String[] derivedNames = new String[size];
		Map<String, String[]> fixed = new LinkedHashMap<>();
		INITIAL_FIELDS.forEach(field -> fixed.put(field, new String[size]));
		for (int i = 0; i < size; i++) {
			UserEvent event = events.get(i);
			ids[i] = event.userId().toString();
			usernames[i] = event.username();
			emails[i] = event.email();
			versions[i] = event.version();
			// A UserCreated brings the values given at registration; a profile created from anything else gets them
			// when its UserCreated arrives, as far as they are still empty.
			initial[i] = event instanceof UserCreated;
			Map<String, Object> given = event instanceof UserCreated created ? created.initialProfile() : null;
			ProfilePatch.InitialValues values = given == null ? ProfilePatch.InitialValues.NONE
					: ProfilePatch.initialValues(json.valueToTree(given), schema);
			for (Map.Entry<String, String[]> field : fixed.entrySet()) {
				field.getValue()[i] = values.get(field.getKey());
			}
			String names = derivedDisplayName(event);
			derivedNames[i] = names;
			if (fixed.get("displayName")[i] == null) {
				fixed.get("displayName")[i] = names;
			}
			attributes[i] = json.writeValueAsString(values.attributes());
			rejected[i] = values.rejected().isEmpty() ? null : json.writeValueAsString(values.rejected());
		}
		return database.sql("""
				with input as (
				    select u.user_id::uuid as user_id, u.username, u.email, u.display_name, u.bio,
				           u.birthdate::date as birthdate, u.phone_number, u.website, u.company, u.location,
				           u.attributes::jsonb as attributes, u.rejected::jsonb as rejected, u.initial, u.version,
				           u.derived_name
				    from unnest(:ids::text[], :usernames::text[], :emails::text[], :displayNames::text[], :bios::text[],
				                :birthdates::text[], :phoneNumbers::text[], :websites::text[], :companies::text[],
				                :locations::text[], :attributes::text[], :rejected::text[], :initial::boolean[],
				                :versions::bigint[], :derivedNames::text[])
				         as u(user_id, username, email, display_name, bio, birthdate, phone_number, website, company,
				              location, attributes, rejected, initial, version, derived_name)
				    where not exists (select 1 from deleted_users d where d.user_id = u.user_id::uuid)
				),
				-- Materialized: once the statement is prepared, PostgreSQL's generic plan inlined this join into
				-- the final one and ran it once per written row, batch size squared index scans (436 ms for 500
				-- new users; 14 ms materialized).
				before as materialized (select p.* from profiles p join input i on i.user_id = p.user_id),
				written as (
				    insert into profiles as p (user_id, username, email, display_name, bio, birthdate, phone_number,
				                               website, company, location, attributes, rejected_initial_values,
				                               initial_values_applied, identity_version, created_at, updated_at)
				    select user_id, username, email, display_name, bio, birthdate, phone_number, website, company,
				           location, attributes, rejected, initial, version, :now, :now
				    from input
				    on conflict (user_id) do update set
				        username = case when excluded.identity_version > p.identity_version then excluded.username else p.username end,
				        email = case when excluded.identity_version > p.identity_version then excluded.email else p.email end,
				        -- A display name made from the user's names (by a first read) gives way to one given at
				        -- registration; one the user chose stays.
				        display_name = case when not p.initial_values_applied and excluded.initial_values_applied
				                             and (p.display_name is null or p.display_name = (
				                                 select i.derived_name from input i where i.user_id = p.user_id))
				            then excluded.display_name else p.display_name end,
				        bio = case when not p.initial_values_applied and excluded.initial_values_applied
				            then coalesce(p.bio, excluded.bio) else p.bio end,
				        birthdate = case when not p.initial_values_applied and excluded.initial_values_applied
				            then coalesce(p.birthdate, excluded.birthdate) else p.birthdate end,
				        phone_number = case when not p.initial_values_applied and excluded.initial_values_applied
				            then coalesce(p.phone_number, excluded.phone_number) else p.phone_number end,
				        website = case when not p.initial_values_applied and excluded.initial_values_applied
				            then coalesce(p.website, excluded.website) else p.website end,
				        company = case when not p.initial_values_applied and excluded.initial_values_applied
				            then coalesce(p.company, excluded.company) else p.company end,
				        location = case when not p.initial_values_applied and excluded.initial_values_applied
				            then coalesce(p.location, excluded.location) else p.location end,
				        attributes = case when not p.initial_values_applied and excluded.initial_values_applied
				            then excluded.attributes || p.attributes else p.attributes end,
				        rejected_initial_values = case when not p.initial_values_applied and excluded.initial_values_applied
				            then excluded.rejected_initial_values else p.rejected_initial_values end,
				        initial_values_applied = p.initial_values_applied or excluded.initial_values_applied,
				        identity_version = greatest(p.identity_version, excluded.identity_version),
				        updated_at = excluded.updated_at
				    where p.identity_version < excluded.identity_version
				       or (excluded.initial_values_applied and not p.initial_values_applied)
				    returning p.*
				)
				select w.*, array_remove(array[
				    case when b.username is distinct from w.username then 'username' end,
				    case when b.email is distinct from w.email then 'email' end,
				    case when b.display_name is distinct from w.display_name then 'displayName' end,
				    case when b.bio is distinct from w.bio then 'bio' end,
				    case when b.birthdate is distinct from w.birthdate then 'birthdate' end,
				    case when b.phone_number is distinct from w.phone_number then 'phoneNumber' end,
				    case when b.website is distinct from w.website then 'website' end,
				    case when b.company is distinct from w.company then 'company' end,
				    case when b.location is distinct from w.location then 'location' end,
				    case when coalesce(b.attributes, '{}') is distinct from w.attributes then 'attributes' end
				  ], null) as changed_fields,
				  b.user_id is null as created,
				  b.rejected_initial_values is distinct from w.rejected_initial_values as rejected_changed
				from written w left join before b on b.user_id = w.user_id""")
			.bind("ids", ids)
			.bind("usernames", usernames)
			.bind("emails", emails)
			.bind("displayNames", fixed.get("displayName"))
			.bind("bios", fixed.get("bio"))
			.bind("birthdates", fixed.get("birthdate"))
			.bind("phoneNumbers", fixed.get("phoneNumber"))
			.bind("websites", fixed.get("website"))
			.bind("companies", fixed.get("company"))
			.bind("locations", fixed.get("location"))
			.bind("attributes", attributes)
			.bind("rejected", rejected)
			.bind("initial", initial)
			.bind("versions", versions)
			.bind("derivedNames", derivedNames)
			.bind("now", now)
			.map((row, metadata) -> new Written(read(row), Set.of(row.get("changed_fields", String[].class)),
					Boolean.TRUE.equals(row.get("created", Boolean.class)),
					Boolean.TRUE.equals(row.get("rejected_changed", Boolean.class))))
			.all()
			.collectList()
			.flatMap(written -> {
				// The version grows only when something the profile shows changed: a newer user event that changed
				// a last name, or a UserCreated without registration values after a first read, leaves it alone.
				Set<UUID> advanced = written.stream()
					.filter(row -> !row.created() && (!row.changedFields().isEmpty() || row.rejectedChanged()))
					.map(row -> row.profile().userId())
					.collect(Collectors.toSet());
				List<ProfileEventOutbox.Change> changes = written.stream()
					.filter(row -> !row.changedFields().isEmpty())
					.map(row -> new ProfileEventOutbox.Change(advanced.contains(row.profile().userId()) ? row.profile().advanced()
							: row.profile(), row.changedFields()))
					.toList();
				return advance(advanced).then(eventOutbox.updated(changes, now)).thenReturn((long) written.size());
			});
	}

	private Mono<Void> advance(Set<UUID> userIds) {
		if (userIds.isEmpty()) {
			return Mono.empty();
		}
		return database.sql("update profiles set version = version + 1 where user_id = any(:ids::uuid[])")
			.bind("ids", userIds.stream().map(UUID::toString).toArray(String[]::new))
			.then();
	}

	/** A row the upsert wrote, as it is now, and what changed. */
	private record Written(Profile profile, Set<String> changedFields, boolean created, boolean rejectedChanged) {
	}

	private Mono<Long> delete(List<UserEvent> events, Instant now) {
		if (events.isEmpty()) {
			return Mono.just(0L);
		}
		String[] ids = events.stream().map(event -> event.userId().toString()).toArray(String[]::new);
		return database.sql("""
				insert into deleted_users (user_id, version, deleted_at)
				select u.user_id::uuid, u.version, :now from unnest(:ids::text[], :versions::bigint[]) as u(user_id, version)
				on conflict (user_id) do nothing""")
			.bind("ids", ids)
			.bind("versions", events.stream().map(UserEvent::version).toArray(Long[]::new))
			.bind("now", now)
			.then()
			.then(database.sql("delete from profiles where user_id = any(:ids::uuid[]) returning user_id, version + 1 as version")
				.bind("ids", ids)
				.map((row, metadata) -> Map.entry(row.get("user_id", UUID.class), row.get("version", Long.class)))
				.all()
				.collectMap(Map.Entry::getKey, Map.Entry::getValue, LinkedHashMap::new))
			.flatMap(removed -> eventOutbox.deleted(removed, now).thenReturn((long) removed.size()));
	}

	/**
	 * The profiles whose user id lies after {@code after} (from the start when null) and up to {@code upTo} (to the
	 * end when null), in the database's uuid order, which is the order identity-service pages its users in.
	 */
	public Flux<Profile> inRange(@Nullable UUID after, @Nullable UUID upTo, int limit) {
		return database.sql("""
				select * from profiles
				where (cast(:after as uuid) is null or user_id > cast(:after as uuid))
				  and (cast(:upTo as uuid) is null or user_id <= cast(:upTo as uuid))
				order by user_id limit :limit""")
			.bind("after", Parameter.fromOrEmpty(after, UUID.class))
			.bind("upTo", Parameter.fromOrEmpty(upTo, UUID.class))
			.bind("limit", limit)
			.map(this::read)
			.all();
	}

	/** The profiles of the given users, in one query; users without a profile are simply absent. */
	public Flux<Profile> findAll(List<UUID> userIds) {
		return database.sql("select * from profiles where user_id = any(:ids::uuid[]) order by user_id")
			.bind("ids", userIds.stream().map(UUID::toString).toArray(String[]::new))
			.map(this::read)
			.all();
	}

	/**
	 * One page of the profiles whose username, display name or email contains {@code query}, by username; with
	 * {@code incompleteOnly}, only those missing a required attribute.
	 */
	Flux<Profile> search(String query, boolean incompleteOnly, int page, int size) {
		return database.sql("""
				select * from profiles
				where (:all or lower(username) like :pattern or lower(display_name) like :pattern
				       or lower(email) like :pattern)
				  and (not :incompleteOnly or not jsonb_exists_all(attributes, :required::text[]))
				order by lower(username), user_id limit :size offset :offset""")
			.bind("all", query.isBlank())
			.bind("incompleteOnly", incompleteOnly)
			.bind("required", schema.required().toArray(String[]::new))
			.bind("pattern", LikePattern.containing(query))
			.bind("size", size)
			.bind("offset", (long) page * size)
			.map(this::read)
			.all();
	}

	Mono<Long> count(String query, boolean incompleteOnly) {
		return database.sql("""
				select count(*) from profiles
				where (:all or lower(username) like :pattern or lower(display_name) like :pattern
				       or lower(email) like :pattern)
				  and (not :incompleteOnly or not jsonb_exists_all(attributes, :required::text[]))""")
			.bind("all", query.isBlank())
			.bind("incompleteOnly", incompleteOnly)
			.bind("required", schema.required().toArray(String[]::new))
			.bind("pattern", LikePattern.containing(query))
			.map(row -> row.get(0, Long.class))
			.one();
	}

	public Mono<Profile> findById(UUID userId) {
		return database.sql("select * from profiles where user_id = :userId")
			.bind("userId", userId)
			.map(this::read)
			.one();
	}

	/**
	 * Sets or removes ({@code avatarEtag} null) the profile picture's ETag, advancing the version and writing
	 * {@code ProfileUpdated} when it changes. Call it inside the transaction that stores the picture.
	 *
	 * @return the profile as it is now; fails with {@link ProfileNotFound} if there is none
	 */
	public Mono<Profile> changeAvatar(UUID userId, @Nullable String avatarEtag, Instant now) {
		return lock(userId).switchIfEmpty(Mono.error(() -> new ProfileNotFound(userId))).flatMap(current -> {
			if (Objects.equals(current.avatarEtag(), avatarEtag)) {
				return Mono.just(current);
			}
			Profile changed = new Profile(current.userId(), current.username(), current.email(),
					current.displayName(), current.bio(), current.birthdate(), current.phoneNumber(),
					current.website(), current.company(), current.location(), current.attributes(),
					current.rejectedInitialValues(), avatarEtag, current.createdAt(), now, current.version() + 1,
					current.identityVersion());
			return database.sql("""
					update profiles set avatar_etag = :etag, version = :version, updated_at = :now
					where user_id = :userId""")
				.bind("etag", Parameter.fromOrEmpty(avatarEtag, String.class))
				.bind("version", changed.version())
				.bind("now", now)
				.bind("userId", userId)
				.then()
				.then(Mono.defer(() -> eventOutbox.updated(
						List.of(new ProfileEventOutbox.Change(changed, Set.of("avatar"))), now)))
				.thenReturn(changed);
		});
	}

	/** Reads the profile and locks it, and the user's advisory lock, until the transaction ends. */
	Mono<Profile> lock(UUID userId) {
		// The user's advisory lock first, as the consumer takes it: a change and a batch of events touching the same
		// profile then apply one after the other, each seeing the other's outcome.
		return lock(List.of(userId)).then(database.sql("select * from profiles where user_id = :userId for update")
			.bind("userId", userId)
			.map(this::read)
			.one());
	}

	/**
	 * Writes the editable fields of {@code profile}, whose version the caller has already advanced, and its
	 * {@code ProfileUpdated} naming {@code changedFields}.
	 */
	Mono<Void> update(Profile profile, Set<String> changedFields) {
		return editable(database.sql(UPDATE_EDITABLE), profile).then()
			.then(changedFields.isEmpty() ? Mono.empty()
					: Mono.defer(() -> eventOutbox.updated(List.of(new ProfileEventOutbox.Change(profile, changedFields)),
							profile.updatedAt())));
	}

	/**
	 * Writes the editable fields of {@code profile} and its {@code ProfileUpdated} naming {@code changedFields}, in
	 * one statement, provided the stored profile is still at {@code expectedVersion}: an optimistic change, with no
	 * lock held between reading the profile and writing it.
	 *
	 * @return whether it was written; false if the profile changed (or went) since it was read at that version
	 */
	Mono<Boolean> updateIfAt(long expectedVersion, Profile profile, Set<String> changedFields) {
		// The user's advisory lock first, as every other change takes it: an uncorrelated subquery, evaluated once
		// before any row is locked. A batch of user events applying to the same user waits for this statement, and
		// then sees its outcome; this one, having waited for such a batch, finds the version it changed.
		return eventOutbox.updatedIf(UPDATE_EDITABLE + """
				  and version = :expectedVersion
				  and (select count(pg_advisory_xact_lock(hashtextextended(:lockKey, 0)))) = 1
				returning 1""",
				statement -> editable(statement, profile).bind("expectedVersion", expectedVersion)
					.bind("lockKey", profile.userId().toString()),
				new ProfileEventOutbox.Change(profile, changedFields), profile.updatedAt());
	}

	private static final String UPDATE_EDITABLE = """
			update profiles set display_name = :displayName, bio = :bio, birthdate = :birthdate,
			    phone_number = :phoneNumber, website = :website, company = :company, location = :location,
			    attributes = :attributes::jsonb, rejected_initial_values = :rejected::jsonb,
			    updated_at = :updatedAt, version = :version
			where user_id = :userId""";

	private GenericExecuteSpec editable(GenericExecuteSpec statement, Profile profile) {
		return statement.bind("userId", profile.userId())
			.bind("displayName", Parameter.fromOrEmpty(profile.displayName(), String.class))
			.bind("bio", Parameter.fromOrEmpty(profile.bio(), String.class))
			.bind("birthdate", Parameter.fromOrEmpty(profile.birthdate(), LocalDate.class))
			.bind("phoneNumber", Parameter.fromOrEmpty(profile.phoneNumber(), String.class))
			.bind("website", Parameter.fromOrEmpty(profile.website(), String.class))
			.bind("company", Parameter.fromOrEmpty(profile.company(), String.class))
			.bind("location", Parameter.fromOrEmpty(profile.location(), String.class))
			.bind("attributes", json.writeValueAsString(profile.attributes()))
			.bind("rejected", Parameter.fromOrEmpty(profile.rejectedInitialValues().isEmpty() ? null
					: json.writeValueAsString(profile.rejectedInitialValues()), String.class))
			.bind("updatedAt", profile.updatedAt())
			.bind("version", profile.version());
	}

	private Profile read(Readable row) {
		Json attributes = row.get("attributes", Json.class);
		Json rejected = row.get("rejected_initial_values", Json.class);
		return new Profile(row.get("user_id", UUID.class), row.get("username", String.class),
				row.get("email", String.class), row.get("display_name", String.class), row.get("bio", String.class),
				row.get("birthdate", LocalDate.class), row.get("phone_number", String.class),
				row.get("website", String.class), row.get("company", String.class), row.get("location", String.class),
				attributes == null ? json.createObjectNode() : json.readTree(attributes.asString()),
				rejected == null ? List.of() : json.readValue(rejected.asString(), PROBLEMS),
				row.get("avatar_etag", String.class), row.get("created_at", Instant.class),
				row.get("updated_at", Instant.class), row.get("version", Long.class),
				row.get("identity_version", Long.class));
	}
}
