package dev.tandem.profile.identity;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import dev.tandem.profile.security.IdentitySettings;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.client.AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.InMemoryReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.reactive.function.client.ServerOAuth2AuthorizedClientExchangeFilterFunction;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;

/**
 * Calls identity-service's internal API as the OAuth2 client {@code profile-service}: Spring Security obtains the
 * client-credentials token, caches it and renews it before it expires.
 */
@Component
public class IdentityClient {

	private static final String REGISTRATION = "identity";

	private static final Logger log = LoggerFactory.getLogger(IdentityClient.class);

	private final @Nullable WebClient http;

	private final Duration timeout;

	IdentityClient(IdentitySettings settings, WebClient.Builder builder) {
		this.timeout = settings.timeout();
		if (!StringUtils.hasText(settings.clientSecret())) {
			log.warn("No client secret for identity-service (tandem.identity.client-secret): a profile not there yet is "
					+ "answered 503, and reconciliation cannot run");
			this.http = null;
			return;
		}
		ClientRegistration registration = ClientRegistration.withRegistrationId(REGISTRATION)
			.clientId(settings.clientId())
			.clientSecret(settings.clientSecret())
			.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
			.tokenUri(settings.effectiveTokenUri().toString())
			.scope("users:read")
			.build();
		InMemoryReactiveClientRegistrationRepository registrations = new InMemoryReactiveClientRegistrationRepository(
				registration);
		AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager clients = new AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager(
				registrations, new InMemoryReactiveOAuth2AuthorizedClientService(registrations));
		clients.setAuthorizedClientProvider(ReactiveOAuth2AuthorizedClientProviderBuilder.builder().clientCredentials().build());
		ServerOAuth2AuthorizedClientExchangeFilterFunction oauth = new ServerOAuth2AuthorizedClientExchangeFilterFunction(
				clients);
		oauth.setDefaultClientRegistrationId(REGISTRATION);
		this.http = builder.clone().baseUrl(settings.baseUrl().toString()).filter(oauth).build();
	}

	/**
	 * One user's facts; empty when identity-service has no such user. Fails with {@link IdentityUnavailable} when it
	 * cannot be asked, a missing client secret included.
	 */
	public Mono<UserFacts> user(UUID userId) {
		return Mono.defer(() -> client().get()
			.uri("/internal/users/{id}", userId)
			.retrieve()
			.bodyToMono(UserFacts.class)
			.timeout(timeout)
			.onErrorResume(WebClientResponseException.class,
					ex -> ex.getStatusCode() == HttpStatus.NOT_FOUND ? Mono.empty() : Mono.error(ex)))
			.onErrorMap(ex -> !(ex instanceof IdentityUnavailable), IdentityClient::unavailable);
	}

	/** One page of every user's facts in id order, after {@code after} (from the start when null). */
	public Mono<UserFactsPage> users(@Nullable UUID after, int limit) {
		return Mono.defer(() -> client().get()
			.uri(uri -> {
				uri.path("/internal/users").queryParam("limit", limit);
				if (after != null) {
					uri.queryParam("after", after);
				}
				return uri.build();
			})
			.retrieve()
			.bodyToMono(UserFactsPage.class)
			.timeout(timeout.multipliedBy(10)))
			.onErrorMap(ex -> !(ex instanceof IdentityUnavailable), IdentityClient::unavailable);
	}

	private static IdentityUnavailable unavailable(Throwable failure) {
		return new IdentityUnavailable("identity-service could not be asked: " + failure, failure);
	}

	private WebClient client() {
		WebClient http = this.http;
		if (http == null) {
			throw new IdentityUnavailable("no client secret is configured for calling identity-service "
					+ "(tandem.identity.client-secret)");
		}
		return http;
	}

	/** A page of {@link #users}; {@code next} is the {@code after} of the following page, absent on the last. */
	public record UserFactsPage(List<UserFacts> items, @Nullable UUID next) {
	}

	/** Flux of every user, page by page, for callers that want a stream. */
	public Flux<UserFacts> allUsers(int pageSize) {
		return users(null, pageSize).expand(page -> page.next() == null ? Mono.empty() : users(page.next(), pageSize))
			.flatMapIterable(UserFactsPage::items);
	}
}
