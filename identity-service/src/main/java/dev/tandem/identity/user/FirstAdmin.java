package dev.tandem.identity.user;

import java.time.Duration;
import java.util.List;

import dev.tandem.identity.WithLocalUsers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * Django's {@code createsuperuser}, done at start-up: when no user has the {@code admin} role and
 * {@code TANDEM_ADMIN_USERNAME}, {@code TANDEM_ADMIN_EMAIL} and {@code TANDEM_ADMIN_PASSWORD} are set, that admin is
 * registered (with its {@code UserCreated} event, so it gets a profile like anyone). Starting again changes nothing.
 */
@Component
@WithLocalUsers
class FirstAdmin implements ApplicationRunner {

	private static final Logger log = LoggerFactory.getLogger(FirstAdmin.class);

	private final Registration registration;

	private final Users users;

	private final Settings settings;

	FirstAdmin(Registration registration, Users users, Settings settings) {
		this.registration = registration;
		this.users = users;
		this.settings = settings;
	}

	@Override
	public void run(ApplicationArguments args) {
		if (!StringUtils.hasText(settings.username()) || !StringUtils.hasText(settings.password())) {
			return;
		}
		users.anyWithRole(User.ADMIN).flatMap(exists -> {
			if (exists) {
				return Mono.empty();
			}
			return registration.register(new RegistrationRequest(settings.username(), settings.email(),
					settings.password(), "", "", null), List.of(User.ADMIN))
				.doOnNext(admin -> log.info("Created the first admin, {}", admin.username()))
				// Another replica created it at the same moment: one admin is what we wanted.
				.onErrorResume(UsernameTaken.class, taken -> {
					log.warn("Not creating the first admin: a user named {} exists but is no admin", settings.username());
					return Mono.empty();
				})
				.then();
		}).block(Duration.ofSeconds(30));
	}

	/** The first admin's account, from the environment. */
	@ConfigurationProperties("tandem.admin")
	record Settings(@DefaultValue("") String username, @DefaultValue("") String email,
			@DefaultValue("") String password) {
	}
}
