package dev.tandem.deploy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Both services' images as {@code jib:buildTar} wrote them in the ship profile: how they start, as whom, with which
 * ports, and what their layers hold. These checks do not depend on the base image, so they hold for the pinned
 * eclipse-temurin base and for the stand-in that {@code -Plocal-base} builds on a machine without a registry.
 */
class ImageTarballsTests {

	@ParameterizedTest
	@CsvSource({ "identity-service, 8081, dev.tandem.identity.IdentityApplication",
			"profile-service, 8082, dev.tandem.profile.ProfileApplication" })
	void startsTheServiceWithJavaAsANonRootUser(String service, int port, String mainClass) {
		JsonNode config = image(service).config();
		assertThat(config.path("os").asString()).isEqualTo("linux");
		assertThat(config.path("architecture").asString()).isEqualTo("amd64");
		JsonNode container = config.path("config");
		assertThat(strings(container.path("Entrypoint"))).startsWith("java")
			.contains("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError")
			.endsWith("-cp", "@/app/jib-classpath-file", mainClass);
		String user = container.path("User").asString();
		assertThat(user).isEqualTo("65532:65532");
		assertThat(Arrays.stream(user.split(":")).mapToInt(Integer::parseInt)).allMatch(id -> id != 0);
		assertThat(container.path("ExposedPorts").has(port + "/tcp")).isTrue();
		assertThat(strings(container.path("Env"))).contains("PORT=" + port);
		assertThat(container.path("Labels").path("org.opencontainers.image.title").asString()).isEqualTo(service);
		assertThat(container.path("Labels").path("org.opencontainers.image.version").asString()).isNotBlank();
	}

	@ParameterizedTest
	@CsvSource({ "identity-service", "profile-service" })
	void findsJavaOnThePathOfItsBase(String service) {
		ImageTarball image = image(service);
		String path = strings(image.config().path("config").path("Env")).stream()
			.filter(variable -> variable.startsWith("PATH="))
			.findFirst()
			.orElseThrow()
			.substring("PATH=".length());
		Map<String, TarArchiveEntry> files = image.files();
		assertThat(Arrays.stream(path.split(":")).map(directory -> directory + "/java"))
			.as("java, which the entrypoint starts, on the image's PATH")
			.anyMatch(java -> files.containsKey(java) && (files.get(java).isSymbolicLink() || (files.get(java).getMode() & 0111) != 0));
	}

	@ParameterizedTest
	@CsvSource({ "identity-service, dev/tandem/identity/IdentityApplication.class",
			"profile-service, dev/tandem/profile/ProfileApplication.class" })
	void layersDependenciesApartFromResourcesAndClasses(String service, String mainClassFile) {
		ImageTarball image = image(service);
		List<String> layers = image.layers().stream().map(ImageTarball.Layer::comment).toList();
		assertThat(layers).containsSubsequence("dependencies", "resources", "classes", "jvm arg files");
		assertThat(image.layer("classes").entries()).containsKey("/app/classes/" + mainClassFile);
		assertThat(image.layer("resources").entries()).containsKey("/app/resources/application.yml");
		assertThat(image.layer("dependencies").entries().keySet()).allMatch(path -> path.startsWith("/app"));
		// Every jar the classpath file names is in the image, and no jar is left out of it.
		String classpath = new String(image.layer("jvm arg files").smallFiles().get("/app/jib-classpath-file"), StandardCharsets.UTF_8).trim();
		Set<String> onClasspath = Arrays.stream(classpath.split(":")).filter(entry -> entry.endsWith(".jar")).collect(Collectors.toSet());
		Set<String> jars = image.files().keySet().stream().filter(file -> file.startsWith("/app/libs/")).collect(Collectors.toSet());
		assertThat(onClasspath).isNotEmpty().isEqualTo(jars);
		assertThat(jars).anyMatch(jar -> jar.contains("/shared-events-"));
	}

	@ParameterizedTest
	@CsvSource({ "identity-service", "profile-service" })
	void letsTheNonRootUserReadTheApplicationAndChangeNothingOfIt(String service) {
		image(service).files().entrySet().stream().filter(file -> file.getKey().startsWith("/app")).forEach(file -> {
			int mode = file.getValue().getMode();
			assertThat(mode & 0004).as(file.getKey() + " readable by others").isNotZero();
			assertThat(mode & 0002).as(file.getKey() + " not writable by others").isZero();
			assertThat(mode & 06000).as(file.getKey() + " without setuid or setgid").isZero();
			assertThat(file.getValue().getLongUserId()).as(file.getKey() + " owned by root, not by the user it runs as").isZero();
		});
	}

	private static final Map<String, ImageTarball> IMAGES = new ConcurrentHashMap<>();

	private static ImageTarball image(String service) {
		return IMAGES.computeIfAbsent(service, name -> {
			Path tarball = Commands.REPOSITORY.resolve(name).resolve("target/jib-image.tar");
			assertThat(tarball).as("built by jib:buildTar in the ship profile").exists();
			return ImageTarball.read(tarball);
		});
	}

	private static List<String> strings(JsonNode array) {
		return array.valueStream().map(JsonNode::asString).toList();
	}
}
