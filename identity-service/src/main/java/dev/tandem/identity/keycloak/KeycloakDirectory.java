package dev.tandem.identity.keycloak;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;

import dev.tandem.identity.WithKeycloakUsers;
import dev.tandem.identity.user.DirectoryRefused;
import dev.tandem.identity.user.DirectoryUnavailable;
import dev.tandem.identity.user.EmailTaken;
import dev.tandem.identity.user.ExternalDirectory;
import dev.tandem.identity.user.Sessions;
import dev.tandem.identity.user.User;
import dev.tandem.identity.user.UserMirror;
import dev.tandem.identity.user.UserNotFound;
import dev.tandem.identity.user.UsernameTaken;
import dev.tandem.identity.user.WeakPassword;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jspecify.annotations.Nullable;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * The realm's users through Keycloak's admin API. The admin client blocks, so every call runs on
 * {@code boundedElastic}; Keycloak's refusals become the same fact-named failures the built-in store gives, with
 * Keycloak's reason, and Keycloak being unreachable becomes {@link DirectoryUnavailable}.
 */
@Component
@WithKeycloakUsers
class KeycloakDirectory implements ExternalDirectory, Sessions {

	private final Keycloak keycloak;

	private final KeycloakSettings settings;

	private final JsonMapper json;

	KeycloakDirectory(Keycloak keycloak, KeycloakSettings settings, JsonMapper json) {
		this.keycloak = keycloak;
		this.settings = settings;
		this.json = json;
	}

	@Override
	public String name() {
		return "Keycloak";
	}

	@Override
	public Mono<Created> create(NewAccount account) {
		return call(() -> {
			UserRepresentation user = new UserRepresentation();
			user.setUsername(account.username());
			user.setEmail(account.email());
			user.setFirstName(account.firstName());
			user.setLastName(account.lastName());
			user.setEnabled(true);
			CredentialRepresentation password = new CredentialRepresentation();
			password.setType(CredentialRepresentation.PASSWORD);
			password.setValue(account.password());
			password.setTemporary(false);
			user.setCredentials(List.of(password));
			try (Response response = realm().users().create(user)) {
				int status = response.getStatus();
				if (status == 201) {
					String id = CreatedResponseUtil.getCreatedId(response);
					// Keycloak may have normalised the names (lowercased them): the mirror keeps what it stored.
					UserRepresentation stored = realm().users().get(id).toRepresentation();
					return new Created(UUID.fromString(id), stored.getUsername(), orEmpty(stored.getEmail()));
				}
				JsonNode error = errorBody(response);
				if (status == 409) {
					String reason = message(error).toLowerCase(Locale.ROOT);
					throw reason.contains("email") && !reason.contains("username") ? new EmailTaken(account.email())
							: new UsernameTaken(account.username());
				}
				if (status == 400) {
					throw refusal(error);
				}
				throw new DirectoryUnavailable(name(), new IllegalStateException(
						"creating a user answered " + status + ": " + message(error)));
			}
		});
	}

	@Override
	public Mono<Void> update(User user) {
		return call(() -> {
			try {
				UserRepresentation representation = realm().users().get(user.id().toString()).toRepresentation();
				if (!user.email().equalsIgnoreCase(orEmpty(representation.getEmail()))) {
					// A new address is not verified, whatever the old one was.
					representation.setEmailVerified(false);
				}
				representation.setEmail(user.email());
				representation.setFirstName(user.firstName());
				representation.setLastName(user.lastName());
				representation.setEnabled(user.active());
				realm().users().get(user.id().toString()).update(representation);
				return true;
			}
			catch (NotFoundException ex) {
				throw new UserNotFound(user.id());
			}
			catch (WebApplicationException ex) {
				int status = ex.getResponse().getStatus();
				if (status == 409) {
					throw new EmailTaken(user.email());
				}
				if (status == 400) {
					throw refusal(errorBody(ex.getResponse()));
				}
				throw ex;
			}
		}).then();
	}

	@Override
	public Mono<Void> remove(UUID id) {
		return call(() -> {
			try (Response response = realm().users().delete(id.toString())) {
				int status = response.getStatus();
				if (status != 204 && status != 404) {
					throw new DirectoryUnavailable(name(), new IllegalStateException(
							"deleting a user answered " + status + ": " + message(errorBody(response))));
				}
				return true;
			}
		}).then();
	}

	/** Signs the user out of every Keycloak session, so its refresh tokens stop working. */
	@Override
	public Mono<Void> endAll(UUID userId) {
		return call(() -> {
			try {
				realm().users().get(userId.toString()).logout();
			}
			catch (NotFoundException ex) {
				// gone already: no sessions either
			}
			return true;
		}).then();
	}

	/** A page of the realm's users, in Keycloak's order; users whose id is not a UUID are counted, not mirrored. */
	Mono<Page> page(int first, int max) {
		return call(() -> {
			List<UserRepresentation> listed = realm().users().list(first, max);
			List<UserMirror.DirectoryUser> users = listed.stream()
				.map(KeycloakDirectory::mirrored)
				.flatMap(Optional::stream)
				.toList();
			return new Page(users, listed.size(), listed.size() - users.size());
		});
	}

	/** One listing call's users, how many it listed, and how many of those cannot be mirrored. */
	record Page(List<UserMirror.DirectoryUser> users, int listed, int unsupported) {
	}

	/** The realm's user as it is now; empty if it is gone. */
	Mono<UserMirror.DirectoryUser> current(UUID id) {
		return call(() -> {
			try {
				return mirrored(realm().users().get(id.toString()).toRepresentation());
			}
			catch (NotFoundException ex) {
				return Optional.<UserMirror.DirectoryUser>empty();
			}
		}).flatMap(Mono::justOrEmpty);
	}

	/** Whether the realm has the user: the check before a mirrored user is deleted. */
	Mono<Boolean> exists(UUID id) {
		return call(() -> {
			try {
				realm().users().get(id.toString()).toRepresentation();
				return true;
			}
			catch (NotFoundException ex) {
				return false;
			}
		});
	}

	static Optional<UserMirror.DirectoryUser> mirrored(UserRepresentation user) {
		UUID id;
		try {
			id = UUID.fromString(user.getId());
		}
		catch (IllegalArgumentException | NullPointerException ex) {
			return Optional.empty();
		}
		return Optional.of(new UserMirror.DirectoryUser(id, user.getUsername(), orEmpty(user.getEmail()),
				orEmpty(user.getFirstName()), orEmpty(user.getLastName()), Boolean.TRUE.equals(user.isEnabled()),
				user.getCreatedTimestamp() == null ? Instant.EPOCH : Instant.ofEpochMilli(user.getCreatedTimestamp())));
	}

	private RealmResource realm() {
		return keycloak.realm(settings.realm());
	}

	private <T> Mono<T> call(Callable<T> call) {
		return Mono.fromCallable(call)
			.subscribeOn(Schedulers.boundedElastic())
			.onErrorMap(failure -> failure instanceof ProcessingException || failure instanceof WebApplicationException,
					failure -> new DirectoryUnavailable(name(), failure));
	}

	/** Keycloak's error body: {@code {"errorMessage": ..., "field": ...}}, a list of those, or OAuth2-style. */
	private JsonNode errorBody(Response response) {
		String body = response.hasEntity() ? response.readEntity(String.class) : "";
		try {
			return json.readTree(body.isBlank() ? "{}" : body);
		}
		catch (JacksonException ex) {
			return json.createObjectNode().put("errorMessage", body);
		}
	}

	private static String message(JsonNode error) {
		for (String field : List.of("error_description", "errorMessage", "error")) {
			if (error.path(field).isString()) {
				return error.path(field).asString();
			}
		}
		return error.toString();
	}

	/**
	 * What a 400 means: a password Keycloak's policy refuses, or values its user profile rules refuse, each named by
	 * its field.
	 */
	private RuntimeException refusal(JsonNode error) {
		String key = error.path("error").asString("") + error.path("errorMessage").asString("");
		if (key.startsWith("invalidPassword") || message(error).startsWith("Invalid password")) {
			return new WeakPassword("directory-policy", "password", message(error));
		}
		List<JsonNode> errors = new ArrayList<>();
		if (error.path("errors").isArray()) {
			error.path("errors").forEach(errors::add);
		}
		else {
			errors.add(error);
		}
		return new DirectoryRefused(name(), errors.stream()
			.map(each -> new DirectoryRefused.Refusal(each.path("field").asString("username"), describe(each)))
			.toList());
	}

	/** A readable reason from Keycloak's message key and its parameters. */
	private static String describe(JsonNode error) {
		String key = error.path("errorMessage").asString(message(error));
		JsonNode params = error.path("params");
		return switch (key) {
			case "error-invalid-length" -> "must be between " + params.path(1).asString("?") + " and "
					+ params.path(2).asString("?") + " characters";
			case "error-invalid-email" -> "must be a well-formed email address";
			case "error-username-invalid-character", "error-person-name-invalid-character" ->
				"contains characters Keycloak does not allow";
			default -> key;
		};
	}

	private static String orEmpty(@Nullable String value) {
		return value == null ? "" : value;
	}
}
