package dev.tandem.identity.user;

import java.util.List;
import java.util.UUID;

import dev.tandem.support.text.Typed;
import dev.tandem.support.web.VersionTags;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The users API: registration for anyone, the own account for signed-in users, every account for admins (the
 * security configuration decides who reaches which route). The answers about one user carry the user's version as
 * {@code ETag}; a change may name the version it was made against in {@code If-Match}.
 */
@RestController
@RequestMapping("/api/users")
class UserController {

	private final Registration registration;

	private final Accounts accounts;

	private final Users users;

	private final MeterRegistry meters;

	UserController(Registration registration, Accounts accounts, Users users, MeterRegistry meters) {
		this.meters = meters;
		this.registration = registration;
		this.accounts = accounts;
		this.users = users;
	}

	@PostMapping
	@ResponseStatus(HttpStatus.CREATED)
	Mono<UserView> register(@Valid @RequestBody RegistrationRequest request) {
		return registration.register(request)
			.doOnSuccess(user -> meters.counter("tandem.registrations", "outcome", "created").increment())
			.doOnError(refused -> meters.counter("tandem.registrations", "outcome", "refused").increment())
			.map(UserView::of);
	}

	@GetMapping("/me")
	Mono<ResponseEntity<UserView>> me(@AuthenticationPrincipal Jwt token) {
		return accounts.find(userIdOf(token)).map(UserController::withEtag);
	}

	@PatchMapping("/me")
	Mono<ResponseEntity<UserView>> changeMe(@AuthenticationPrincipal Jwt token,
			@Valid @RequestBody AccountChanges.OwnChanges changes,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch) {
		return accounts.changeOwn(userIdOf(token), changes, ifMatch).map(UserController::withEtag);
	}

	@PostMapping("/me/password")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	Mono<Void> changePassword(@AuthenticationPrincipal Jwt token,
			@Valid @RequestBody AccountChanges.PasswordChange change) {
		return accounts.changePassword(userIdOf(token), change);
	}

	@GetMapping
	Mono<UserPage> search(@RequestParam(defaultValue = "") @Size(max = 150) @Typed String q,
			@RequestParam(defaultValue = "0") @Min(0) @Max(100_000) int page,
			@RequestParam(defaultValue = "20") @Min(1) @Max(100) int size) {
		return users.search(q, page, size)
			.map(UserView::of)
			.collectList()
			.zipWith(users.count(q), (items, total) -> new UserPage(items, page, size, total));
	}

	@GetMapping("/{id}")
	Mono<ResponseEntity<UserView>> user(@PathVariable UUID id) {
		return accounts.find(id).map(UserController::withEtag);
	}

	@PatchMapping("/{id}")
	Mono<ResponseEntity<UserView>> change(@PathVariable UUID id, @Valid @RequestBody AccountChanges.AdminChanges changes,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch) {
		return accounts.changeByAdmin(id, changes, ifMatch).map(UserController::withEtag);
	}

	@DeleteMapping("/{id}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	Mono<Void> delete(@PathVariable UUID id) {
		return accounts.delete(id);
	}

	/**
	 * A user's answer, with its version as {@code ETag} for a later {@code If-Match}: a weak one, since a login changes
	 * the answer's {@code lastLogin} and not the version, so a strong one would claim two different answers the same.
	 */
	private static ResponseEntity<UserView> withEtag(User user) {
		return ResponseEntity.ok().eTag(VersionTags.weakEtag(user.version())).body(UserView.of(user));
	}

	/**
	 * The user a token was issued to. A service's token has no user and is refused here by the security rules; a
	 * Keycloak user whose id is not a UUID (federated without import) has no account here.
	 */
	static UUID userIdOf(Jwt token) {
		try {
			return UUID.fromString(token.getSubject());
		}
		catch (IllegalArgumentException | NullPointerException ex) {
			throw new AccessDeniedException("The token's subject '" + token.getSubject() + "' is not a Tandem user.");
		}
	}

	/** One page of users, in a stable order (username, then id). */
	record UserPage(List<UserView> items, int page, int size, long total) {
	}
}
