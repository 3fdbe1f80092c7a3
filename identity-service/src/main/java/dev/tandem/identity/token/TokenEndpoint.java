package dev.tandem.identity.token;

import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.tandem.identity.WithLocalUsers;
import dev.tandem.identity.user.User;
import dev.tandem.identity.user.Users;
import dev.tandem.support.text.TypedText;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.util.MultiValueMap;
import org.springframework.util.StringUtils;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/**
 * {@code POST /oauth2/token}: the OAuth2 token endpoint (RFC 6749), so any OAuth2 client library works with it, and
 * switching to Keycloak is a change of URL.
 */
@RestController
@WithLocalUsers
class TokenEndpoint {

	static final String PASSWORD = "password";

	static final String REFRESH_TOKEN = "refresh_token";

	static final String CLIENT_CREDENTIALS = "client_credentials";

	private static final Logger log = LoggerFactory.getLogger(TokenEndpoint.class);

	private static final String INVALID_LOGIN = "Invalid username or password.";

	/** The client id recorded for first-party logins that name no client. */
	static final String FIRST_PARTY = "tandem";

	private final Users users;

	private final PasswordEncoder passwords;

	private final AccessTokens accessTokens;

	private final RefreshTokens refreshTokens;

	private final OAuthClients clients;

	private final LoginThrottle throttle;

	private final TokenSettings settings;

	private final Clock clock;

	private final TransactionalOperator transactions;

	private final String absentPasswordHash;

	private final MeterRegistry meters;

	TokenEndpoint(Users users, PasswordEncoder passwords, AccessTokens accessTokens, RefreshTokens refreshTokens,
			OAuthClients clients, LoginThrottle throttle, TokenSettings settings, Clock clock,
			TransactionalOperator transactions, MeterRegistry meters) {
		this.meters = meters;
		this.users = users;
		this.passwords = passwords;
		this.accessTokens = accessTokens;
		this.refreshTokens = refreshTokens;
		this.clients = clients;
		this.throttle = throttle;
		this.settings = settings;
		this.clock = clock;
		this.transactions = transactions;
		// Verified against when the user does not exist, so "no such user" costs what "wrong password" costs.
		this.absentPasswordHash = passwords.encode("no user has this password " + System.nanoTime());
	}

	@PostMapping(path = "/oauth2/token", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
	Mono<ResponseEntity<TokenResponse>> token(ServerWebExchange exchange) {
		return exchange.getFormData()
			// Spring's form reader fails a malformed escape ("%zz", a trailing "%") with an IllegalArgumentException.
			.onErrorMap(IllegalArgumentException.class,
					malformed -> TokenRefused.invalidRequest("The form is not valid URL encoding: every % must start "
							+ "an escape of two hexadecimal digits."))
			.flatMap(form -> grant(form, exchange))
			.map(response -> ResponseEntity.ok()
				.cacheControl(CacheControl.noStore())
				.header(HttpHeaders.PRAGMA, "no-cache")
				.body(response));
	}

	private Mono<TokenResponse> grant(MultiValueMap<String, String> form, ServerWebExchange exchange) {
		String grantType = form.getFirst("grant_type");
		if (!StringUtils.hasText(grantType)) {
			return Mono.error(TokenRefused.invalidRequest("grant_type is missing."));
		}
		Optional<ClientCredentials> credentials = ClientCredentials.of(exchange, form);
		return switch (grantType) {
			case PASSWORD -> password(form, credentials, clientAddress(exchange))
				.doOnSuccess(signedIn -> login("success"))
				.doOnError(refused -> login("failure"));
			case REFRESH_TOKEN -> refresh(form, credentials);
			case CLIENT_CREDENTIALS -> clientCredentials(form, credentials);
			default -> Mono.error(new TokenRefused("unsupported_grant_type",
					"grant_type must be password, refresh_token or client_credentials."));
		};
	}

	private Mono<TokenResponse> password(MultiValueMap<String, String> form, Optional<ClientCredentials> credentials,
			String address) {
		String login = form.getFirst("username");
		String password = form.getFirst("password");
		if (!StringUtils.hasText(login) || password == null) {
			return Mono.error(TokenRefused.invalidRequest("username and password are required."));
		}
		if (login.length() > 254 || !TypedText.isTyped(login)) {
			// No account has such a login; answer as for any unknown user.
			return Mono.error(TokenRefused.invalidGrant(INVALID_LOGIN));
		}
		return authenticateOptionalClient(credentials, PASSWORD).flatMap(clientId -> users.findByLogin(login)
			.map(Optional::of)
			.defaultIfEmpty(Optional.empty())
			.flatMap(user -> {
				// Counted per account, whichever of its username or email was typed, and reserved before the
				// password is checked, so parallel guesses cannot slip past the limit.
				String account = user.map(found -> found.id().toString())
					.orElse("login:" + login.toLowerCase(java.util.Locale.ROOT));
				String hash = user.map(User::passwordHash).orElse(null);
				return throttle.attempt(account, address).flatMap(slowDown -> Mono
					.fromCallable(() -> verify(password, hash, user.filter(User::active).isPresent()))
					.subscribeOn(Schedulers.boundedElastic())
					.flatMap(newHash -> {
						if (newHash.isEmpty() || user.isEmpty() || !user.get().active() || hash == null) {
							// One answer for every failure: no way to learn which accounts exist or are inactive.
							return Mono.delay(slowDown).then(Mono.error(TokenRefused.invalidGrant(INVALID_LOGIN)));
						}
						// The password is right: a failure to clear the counters only leaves them to expire.
						return throttle.succeeded(account, address)
							.onErrorResume(failure -> {
								log.warn("Could not clear the failed logins of {}: {}", account, failure.toString());
								return Mono.empty();
							})
							.then(Mono.defer(() -> signIn(user.get(), hash, newHash.get(), clientId)));
					}));
			}));
	}

	/**
	 * Checks the password against the stored hash (or, for an unknown user, a hash nobody's password matches, at the
	 * same cost), and answers the hash to keep: the stored one, or a new one when the stored one is of an older kind
	 * and the user active (an inactive user is refused anyway, and the second hash would make the right password of
	 * an inactive account slower to refuse than a wrong one).
	 */
	private Optional<String> verify(String password, @Nullable String hash, boolean active) {
		if (!passwords.matches(password, hash == null ? absentPasswordHash : hash) || hash == null) {
			return Optional.empty();
		}
		return Optional.of(active && passwords.upgradeEncoding(hash) ? passwords.encode(password) : hash);
	}

	/**
	 * Records the login and starts a session, only if the password verified is still the user's and the user still
	 * active: a login that raced a password change or a deactivation must not undo it.
	 */
	private Mono<TokenResponse> signIn(User user, String verifiedHash, String keptHash, String clientId) {
		String scope = settings.defaultUserScope();
		return users.recordLogin(user.id(), clock.instant(), verifiedHash, keptHash)
			.flatMap(recorded -> recorded ? refreshTokens.issue(user.id(), clientId, scope)
					: Mono.<String>error(TokenRefused.invalidGrant(INVALID_LOGIN)))
			.as(transactions::transactional)
			.map(refresh -> new TokenResponse(accessTokens.forUser(user, scope, clientId),
					accessTokens.lifetimeSeconds(), refresh, scope));
	}

	private Mono<TokenResponse> refresh(MultiValueMap<String, String> form, Optional<ClientCredentials> credentials) {
		String presented = form.getFirst("refresh_token");
		if (!StringUtils.hasText(presented)) {
			return Mono.error(TokenRefused.invalidRequest("refresh_token is required."));
		}
		return authenticateOptionalClient(credentials, REFRESH_TOKEN)
			.flatMap(clientId -> refreshTokens.rotate(presented, clientId, id -> clients.find(id).isPresent()))
			.flatMap(rotation -> {
				if (rotation.refusal() != null || rotation.userId() == null || rotation.nextToken() == null) {
					return Mono.error(TokenRefused.invalidGrant(String.valueOf(rotation.refusal())));
				}
				return users.findById(rotation.userId())
					.filter(User::active)
					.switchIfEmpty(Mono.defer(() -> refreshTokens.endAll(rotation.userId())
						.then(Mono.error(TokenRefused.invalidGrant("The account is inactive or gone.")))))
					.map(user -> new TokenResponse(accessTokens.forUser(user, rotation.scope(),
							rotation.clientId() == null ? FIRST_PARTY : rotation.clientId()),
							accessTokens.lifetimeSeconds(), rotation.nextToken(), rotation.scope()));
			});
	}

	private Mono<TokenResponse> clientCredentials(MultiValueMap<String, String> form,
			Optional<ClientCredentials> credentials) {
		if (credentials.isEmpty()) {
			return Mono.error(new TokenRefused("invalid_client", "Client authentication is required."));
		}
		ClientCredentials presented = credentials.get();
		return Mono.fromCallable(() -> clients.authenticate(presented.id(), presented.secret()))
			.subscribeOn(Schedulers.boundedElastic())
			.flatMap(client -> {
				if (client.isEmpty()) {
					return Mono.error(new TokenRefused("invalid_client", "Unknown client or wrong secret."));
				}
				if (!client.get().grantTypes().contains(CLIENT_CREDENTIALS)) {
					return Mono.error(new TokenRefused("unauthorized_client",
							"The client may not use the client_credentials grant."));
				}
				Set<String> granted = scopes(form.getFirst("scope"), client.get().scopes());
				String scope = String.join(" ", granted);
				return Mono.just(new TokenResponse(accessTokens.forClient(presented.id(), scope),
						accessTokens.lifetimeSeconds(), null, scope));
			});
	}

	/** Counts a sign-in with a password, {@code tandem.logins{outcome=success|failure}}. */
	private void login(String outcome) {
		meters.counter("tandem.logins", "outcome", outcome).increment();
	}

	/** The client id for a password grant: the authenticated client if one presented credentials. */
	private Mono<String> authenticateOptionalClient(Optional<ClientCredentials> credentials, String grantType) {
		if (credentials.isEmpty()) {
			return Mono.just(FIRST_PARTY);
		}
		ClientCredentials presented = credentials.get();
		return Mono.fromCallable(() -> clients.authenticate(presented.id(), presented.secret()))
			.subscribeOn(Schedulers.boundedElastic())
			.flatMap(client -> client.filter(found -> found.grantTypes().contains(grantType))
				.map(found -> Mono.just(presented.id()))
				.orElseGet(() -> Mono.error(new TokenRefused("invalid_client",
						"Unknown client, wrong secret, or a grant the client may not use."))));
	}

	private static Set<String> scopes(@Nullable String requested, Set<String> allowed) {
		if (!StringUtils.hasText(requested)) {
			return new TreeSet<>(allowed);
		}
		Set<String> asked = new TreeSet<>(Set.of(requested.trim().split("\\s+")));
		if (!allowed.containsAll(asked)) {
			throw new TokenRefused("invalid_scope", "The client may ask only for: " + String.join(" ", new TreeSet<>(allowed)) + ".");
		}
		return asked;
	}

	private static String clientAddress(ServerWebExchange exchange) {
		InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
		if (remote == null) {
			return "unknown";
		}
		// Behind a gateway the address comes from a forwarded header, unresolved.
		return remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
	}

	/** Client id and secret, from HTTP Basic (client_secret_basic) or the form (client_secret_post). */
	record ClientCredentials(String id, String secret) {

		static Optional<ClientCredentials> of(ServerWebExchange exchange, MultiValueMap<String, String> form) {
			String authorization = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
			if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
				try {
					String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
							StandardCharsets.UTF_8);
					int colon = decoded.indexOf(':');
					if (colon > 0) {
						return Optional.of(new ClientCredentials(
								URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
								URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8)));
					}
				}
				catch (IllegalArgumentException ex) {
					throw new TokenRefused("invalid_client", "The Basic credentials are not valid Base64.");
				}
				throw new TokenRefused("invalid_client", "The Basic credentials must be client_id:client_secret.");
			}
			String id = form.getFirst("client_id");
			String secret = form.getFirst("client_secret");
			return StringUtils.hasText(id) && secret != null ? Optional.of(new ClientCredentials(id, secret))
					: Optional.empty();
		}
	}

	/** The OAuth2 token response (RFC 6749, section 5.1). */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record TokenResponse(@JsonProperty("access_token") String accessToken,
			@JsonProperty("expires_in") long expiresIn,
			@JsonProperty("refresh_token") @Nullable String refreshToken, String scope) {

		@JsonProperty("token_type")
		String tokenType() {
			return "Bearer";
		}
	}
}
