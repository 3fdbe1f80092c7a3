package dev.tandem.profile;

import dev.tandem.localstack.SharedPostgres;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Gives each test application context a fresh database of its own on the shared real PostgreSQL server.
 */
public class TestDatabase implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		context.getEnvironment()
			.getPropertySources()
			.addFirst(new MapPropertySource("testDatabase",
					SharedPostgres.springProperties(SharedPostgres.newDatabase("profile"))));
	}
}
