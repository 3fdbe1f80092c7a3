package dev.tandem.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.tandem.events.profile.ProfileEvents;
import dev.tandem.events.user.UserEvents;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code docker-compose.yml}: valid for Compose, every dependency waited for until healthy, no secret in it. */
class ComposeFileTests {

	private static final Path COMPOSE = Commands.REPOSITORY.resolve("docker-compose.yml");

	private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+)(:?[-?][^}]*)?}");

	private final JsonNode compose = YAMLMapper.builder().build().readTree(COMPOSE.toFile());

	@Test
	void validatesWithCompose() {
		// Compose v2 (the docker plugin) where it is installed; else Debian's docker-compose 1.29, whose config
		// command checks the file against its Compose-spec schema, with .env.example standing in for .env.
		List<String> compose = Commands.available("docker", "compose", "version") ? List.of("docker", "compose")
				: List.of("docker-compose");
		Commands.requireTool(Commands.available(compose.get(0), compose.size() > 1 ? "compose" : "version"),
				"docker compose or docker-compose");
		for (List<String> profile : List.of(List.<String>of(), List.of("--profile", "keycloak"))) {
			List<String> command = new java.util.ArrayList<>(compose);
			command.addAll(List.of("--env-file", ".env.example"));
			command.addAll(profile);
			command.addAll(List.of("config", "-q"));
			Commands.Result result = Commands.run(command, "");
			assertThat(result.exitCode()).as(String.join(" ", command) + ": " + result.errors()).isZero();
		}
	}

	@Test
	void startsEveryServiceOnlyOnceWhatItDependsOnIsHealthy() {
		compose.path("services").properties().forEach(service -> service.getValue().path("depends_on").properties().forEach(dependency -> {
			String condition = dependency.getValue().path("condition").asString();
			assertThat(condition).as(service.getKey() + " on " + dependency.getKey())
				.isIn("service_healthy", "service_completed_successfully");
			if (condition.equals("service_healthy")) {
				assertThat(compose.path("services").path(dependency.getKey()).has("healthcheck")).as(dependency.getKey()).isTrue();
			}
		}));
		for (String service : List.of("identity-service", "profile-service")) {
			JsonNode definition = compose.path("services").path(service);
			assertThat(definition.path("healthcheck").path("test").toString()).contains("/readyz");
			assertThat(definition.path("read_only").asBoolean()).isTrue();
		}
	}

	@Test
	void pinsEveryImage() {
		compose.path("services").properties().forEach(service -> {
			String image = service.getValue().path("image").asString();
			if (image.startsWith("tandem/")) {
				// The services' own images: the version jib:dockerBuild tagged, which .env may move.
				assertThat(image).as(service.getKey()).matches("tandem/" + service.getKey() + ":\\$\\{TANDEM_VERSION:-[0-9][^}]*}");
			}
			else {
				assertThat(image).as(service.getKey()).matches("[^:$]+:[0-9][^:]*(@sha256:[0-9a-f]{64})?");
			}
		});
		assertThat(compose.path("services").path("postgres").path("image").asString()).startsWith("postgres:17.");
		assertThat(compose.path("services").path("keycloak").path("image").asString()).startsWith("quay.io/keycloak/keycloak:26.");
		assertThat(compose.path("services").path("keycloak").path("profiles").toString()).isEqualTo("[\"keycloak\"]");
	}

	@Test
	void keepsSecretsOutOfTheFileAndListsEveryVariableInTheExample() throws Exception {
		String text = Files.readString(COMPOSE);
		compose.path("services").properties().forEach(service -> service.getValue().path("environment").properties().forEach(variable -> {
			if (variable.getKey().matches(".*(PASSWORD|SECRET).*")) {
				assertThat(variable.getValue().asString()).as(service.getKey() + " " + variable.getKey()).matches("\\$\\{[A-Z0-9_]+(:[-?][^}]*)?}");
			}
		}));
		Set<String> used = new TreeSet<>();
		Matcher matcher = VARIABLE.matcher(text);
		while (matcher.find()) {
			used.add(matcher.group(1));
		}
		Set<String> example = Files.readAllLines(Commands.REPOSITORY.resolve(".env.example")).stream()
			.filter(line -> line.matches("[A-Z0-9_]+=.*"))
			.map(line -> line.substring(0, line.indexOf('=')))
			.collect(Collectors.toCollection(TreeSet::new));
		assertThat(example).containsAll(used);
		assertThat(Files.readString(Commands.REPOSITORY.resolve(".env.example"))).doesNotContainPattern("(?m)PASSWORD=(?!change-me$)\\S+");
		compose.path("secrets").properties()
			.forEach(secret -> assertThat(secret.getValue().path("file").asString()).startsWith("./secrets/"));
	}

	@Test
	void createsEachServicesDatabaseAndEveryTopicWithThePartitionCount() throws Exception {
		String init = Files.readString(Commands.REPOSITORY.resolve("docker/postgres/init-databases.sh"));
		Map<String, String> databases = Map.of("identity-service", "identity", "profile-service", "profile");
		databases.forEach((service, database) -> {
			JsonNode environment = compose.path("services").path(service).path("environment");
			assertThat(environment.path("DATABASE_R2DBC_URL").asString()).endsWith("/" + database);
			assertThat(environment.path("DATABASE_USER").asString()).isEqualTo(database);
			assertThat(init).contains("create_database " + database + " ");
		});
		String topics = compose.path("services").path("kafka-topics").path("command").toString();
		assertThat(topics).contains(UserEvents.TOPIC + " ", UserEvents.TOPIC + ".DLT", ProfileEvents.TOPIC, "--partitions \\\"$$EVENT_PARTITIONS\\\"");
		assertThat(compose.path("services").path("kafka-topics").path("environment").path("EVENT_PARTITIONS").asString())
			.isEqualTo("${EVENT_PARTITIONS:-6}");
		// profile-service trusts the issuer identity-service signs with.
		assertThat(compose.path("services").path("profile-service").path("environment").path("TOKEN_ISSUER"))
			.isEqualTo(compose.path("services").path("identity-service").path("environment").path("TOKEN_ISSUER"));
	}
}
