package dev.tandem.identity.user;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.support.StaticListableBeanFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PasswordPolicyTests {

	private final PasswordPolicy policy = new PasswordPolicy(true);

	@ParameterizedTest
	@CsvSource({ "short pass, too-short", "alice-liddell, similar-to-account", "ALICE@EXAMPLE.COM, similar-to-account",
			"1qaz2wsx3edc, too-common", "123qweasdzxc, too-common", "aaaaaaaaaaaaaaaa, too-guessable" })
	void refusesAPasswordNamingTheRuleItBreaks(String password, String rule) {
		assertThatThrownBy(() -> policy.check(password, "alice-liddell", "alice@example.com", "password"))
			.isInstanceOfSatisfying(WeakPassword.class, weak -> {
				assertThat(weak.rule()).isEqualTo(rule);
				assertThat(weak.field()).isEqualTo("password");
			});
	}

	@Test
	void acceptsALongUncommonPassphrase() {
		assertThatCode(() -> policy.check("correct horse battery staple", "alice", "alice@example.com", "password"))
			.doesNotThrowAnyException();
	}

	@Test
	void countsCharactersNotBytes() {
		assertThatThrownBy(() -> policy.check("ééééééééééé", "alice", "alice@example.com", "password"))
			.isInstanceOfSatisfying(WeakPassword.class,
					weak -> assertThat(weak.rule()).isEqualTo("too-short"));
	}

	@Test
	void withUsersOfItsOwnStartsReadingTheDictionariesAtOnce() {
		PasswordPolicy local = new PasswordPolicy(new StaticListableBeanFactory().getBeanProvider(ExternalDirectory.class));

		assertThat(local.dictionariesRequested()).isTrue();
	}

	@Test
	void withAnIdentityProviderReadsTheDictionariesOnlyWhenACheckNeedsThem() {
		StaticListableBeanFactory beans = new StaticListableBeanFactory(Map.of("directory", new Keycloak()));
		PasswordPolicy provided = new PasswordPolicy(beans.getBeanProvider(ExternalDirectory.class));

		assertThat(provided.dictionariesRequested()).isFalse();
		assertThatThrownBy(() -> provided.check("1qaz2wsx3edc", "alice", "alice@example.com", "password"))
			.isInstanceOfSatisfying(WeakPassword.class, weak -> assertThat(weak.rule()).isEqualTo("too-common"));
		assertThat(provided.dictionariesRequested()).isTrue();
	}

	/** An identity provider as far as the policy can tell: it is there. */
	private static final class Keycloak implements ExternalDirectory {

		@Override
		public String name() {
			return "Keycloak";
		}

		@Override
		public Mono<Created> create(NewAccount account) {
			return Mono.error(new UnsupportedOperationException());
		}

		@Override
		public Mono<Void> update(User user) {
			return Mono.error(new UnsupportedOperationException());
		}

		@Override
		public Mono<Void> remove(UUID id) {
			return Mono.error(new UnsupportedOperationException());
		}
	}
}
