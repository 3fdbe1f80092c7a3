package dev.tandem.profile.profiles;

import java.util.List;
import java.util.UUID;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import dev.tandem.support.web.VersionTags;
import org.jspecify.annotations.Nullable;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The profiles API. Every profile response carries its version as {@code ETag}; a change may name the version it
 * was made against in {@code If-Match}.
 */
@RestController
@RequestMapping("/api/profiles")
class ProfileController {

	static final String MERGE_PATCH_JSON = "application/merge-patch+json";

	/** What a batch read's ids must be: the same words as for an id that is no UUID. */
	private static final String EACH_A_UUID = "must be values separated by commas, each a UUID";

	private final ProfileLookup lookup;

	private final Profiles profiles;

	private final ProfileEditing editing;

	private final ProfileSettings settings;

	private final ProfileSchema schema;

	private final Counter reads;

	private final Counter updates;

	ProfileController(ProfileLookup lookup, Profiles profiles, ProfileEditing editing, ProfileSettings settings,
			ProfileSchema schema, MeterRegistry meters) {
		this.reads = Counter.builder("tandem.profiles.reads").description("Profiles served").register(meters);
		this.updates = Counter.builder("tandem.profiles.updates").description("Profile changes applied").register(meters);
		this.lookup = lookup;
		this.profiles = profiles;
		this.editing = editing;
		this.settings = settings;
		this.schema = schema;
	}

	/**
	 * With {@code ids}: the profiles of up to 100 users in one query, for other services (scope
	 * {@code profiles:read}; the public part unless the caller is an admin). Without: the admin search by username,
	 * display name or email, a page at a time; with {@code incomplete=true} only profiles missing a required field.
	 */
	@GetMapping
	Mono<ProfilePage> profiles(
			// An empty id in the list (?ids=, or ?ids=<id>,) converts to null: refused, like an id that is no UUID.
			@RequestParam(required = false) @Size(max = 100) @Nullable List<@NotNull(message = EACH_A_UUID) UUID> ids,
			@RequestParam(defaultValue = "") @Size(max = 150) String q,
			@RequestParam(defaultValue = "false") boolean incomplete,
			@RequestParam(defaultValue = "0") @Min(0) @Max(100_000) int page,
			@RequestParam(defaultValue = "20") @Min(1) @Max(100) int size,
			@AuthenticationPrincipal JwtAuthenticationToken caller) {
		boolean admin = isAdmin(caller);
		if (ids != null) {
			return profiles.findAll(ids)
				.doOnNext(profile -> reads.increment())
				.map(profile -> admin ? ProfileView.of(profile, schema) : ProfileView.publicPart(profile, settings))
				.collectList()
				.map(items -> new ProfilePage(items, 0, items.size(), items.size()));
		}
		if (!admin) {
			return Mono.error(new AccessDeniedException("searching profiles needs the admin role"));
		}
		return profiles.search(q, incomplete, page, size)
			.map(profile -> ProfileView.of(profile, schema))
			.collectList()
			.zipWith(profiles.count(q, incomplete), (items, total) -> new ProfilePage(items, page, size, total));
	}

	/** A list of profiles: a page of a search, or the answer to a batch read. */
	record ProfilePage(List<ProfileView> items, int page, int size, long total) {
	}

	/** The JSON Schema of the custom fields ({@code attributes}), for client apps to build forms from. */
	@GetMapping(path = "/schema", produces = { "application/schema+json", MediaType.APPLICATION_JSON_VALUE })
	JsonNode schema() {
		return schema.document();
	}

	@GetMapping("/me")
	Mono<ResponseEntity<ProfileView>> me(@AuthenticationPrincipal JwtAuthenticationToken caller) {
		return lookup.find(userIdOf(caller))
			.doOnNext(profile -> reads.increment())
			.map(profile -> withEtag(profile, ProfileView.of(profile, schema)));
	}

	@PatchMapping(path = "/me", consumes = { MERGE_PATCH_JSON, "application/json" })
	Mono<ResponseEntity<ProfileView>> changeMe(@AuthenticationPrincipal JwtAuthenticationToken caller,
			@RequestBody JsonNode patch, @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch) {
		UUID userId = userIdOf(caller);
		// The profile may not be there yet right after sign-up: find (or create) it first.
		return lookup.find(userId)
			.flatMap(current -> editing.patch(current, patch, ifMatch))
			.doOnNext(profile -> updates.increment())
			.map(profile -> withEtag(profile, ProfileView.of(profile, schema)));
	}

	@GetMapping("/{userId}")
	Mono<ResponseEntity<ProfileView>> profile(@PathVariable UUID userId,
			@AuthenticationPrincipal JwtAuthenticationToken caller) {
		boolean everything = isAdmin(caller) || userId.toString().equals(caller.getName());
		return lookup.find(userId)
			.doOnNext(profile -> reads.increment())
			.map(profile -> withEtag(profile, everything ? ProfileView.of(profile, schema)
					: ProfileView.publicPart(profile, settings)));
	}

	/** Admins only (the security rules see to it): support changing someone's profile. */
	@PatchMapping(path = "/{userId}", consumes = { MERGE_PATCH_JSON, "application/json" })
	Mono<ResponseEntity<ProfileView>> change(@PathVariable UUID userId, @RequestBody JsonNode patch,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch) {
		// As for the own profile: right after sign-up the profile may not be there yet.
		return lookup.find(userId)
			.flatMap(current -> editing.patch(current, patch, ifMatch))
			.doOnNext(profile -> updates.increment())
			.map(profile -> withEtag(profile, ProfileView.of(profile, schema)));
	}

	private static ResponseEntity<ProfileView> withEtag(Profile profile, ProfileView view) {
		return ResponseEntity.ok().eTag(VersionTags.etag(profile.version())).body(view);
	}

	private static boolean isAdmin(JwtAuthenticationToken caller) {
		return caller.getAuthorities().stream().anyMatch(authority -> authority.getAuthority().equals("ROLE_admin"));
	}

	private static UUID userIdOf(JwtAuthenticationToken caller) {
		try {
			return UUID.fromString(caller.getName());
		}
		catch (IllegalArgumentException ex) {
			throw new NotAUser(caller.getName());
		}
	}
}
