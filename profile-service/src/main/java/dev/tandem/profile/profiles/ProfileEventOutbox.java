package dev.tandem.profile.profiles;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;

import dev.tandem.events.EventJson;
import dev.tandem.events.profile.ProfileDeleted;
import dev.tandem.events.profile.ProfileEvent;
import dev.tandem.events.profile.ProfileEvents;
import dev.tandem.events.profile.ProfileUpdated;
import dev.tandem.outbox.Outbox;
import dev.tandem.outbox.OutboxMessage;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.stereotype.Component;

/**
 * Writes profile events to the outbox; call it inside the transaction of the change, so an event exists exactly when
 * its change does.
 */
@Component
class ProfileEventOutbox {

	private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
	};

	private final Outbox outbox;

	private final ProfileSchema schema;

	private final JsonMapper json;

	ProfileEventOutbox(Outbox outbox, ProfileSchema schema, JsonMapper json) {
		this.outbox = outbox;
		this.schema = schema;
		this.json = json;
	}

	/** One {@code ProfileUpdated} per changed profile. */
	Mono<Void> updated(List<Change> changes, Instant now) {
		return outbox.appendAll(changes.stream().map(change -> message(updated(change, now))).toList());
	}

	private ProfileUpdated updated(Change change, Instant now) {
		Profile profile = change.profile();
		return new ProfileUpdated(profile.userId(), profile.version(), now, profile.username(), profile.email(),
				profile.displayName(), profile.bio(), profile.birthdate(), profile.phoneNumber(), profile.website(),
				profile.company(), profile.location(), json.convertValue(profile.attributes(), MAP),
				profile.avatarEtag() != null, schema.missingFields(profile.attributes()).isEmpty(),
				change.changedFields());
	}

	/**
	 * Runs {@code change} (a data-modifying statement with {@code RETURNING}) and writes the change's
	 * {@code ProfileUpdated} in the same statement, if the change returned a row.
	 *
	 * @return whether it did
	 */
	Mono<Boolean> updatedIf(String change, UnaryOperator<GenericExecuteSpec> parameters, Change changed, Instant now) {
		// Clearing the rejected registration values alone changes nothing others see: no event.
		return outbox.appendIfChanged(change, parameters,
				changed.changedFields().isEmpty() ? List.of() : List.of(message(updated(changed, now))));
	}

	/** One {@code ProfileDeleted} per removed profile, given its id and last version. */
	Mono<Void> deleted(Map<UUID, Long> lastVersions, Instant now) {
		return outbox.appendAll(lastVersions.entrySet()
			.stream()
			.map(removed -> message(new ProfileDeleted(removed.getKey(), removed.getValue(), now)))
			.toList());
	}

	private static OutboxMessage message(ProfileEvent event) {
		return new OutboxMessage(ProfileEvents.TOPIC, event.userId().toString(),
				ProfileEvents.envelope(event), EventJson.write(event));
	}

	/** A profile as it is after a change, and the fields the change touched. */
	record Change(Profile profile, Set<String> changedFields) {
	}
}
