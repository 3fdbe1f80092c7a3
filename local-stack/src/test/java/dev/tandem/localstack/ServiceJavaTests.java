package dev.tandem.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** Which Java the services run on. */
class ServiceJavaTests {

	private static final Runtime.Version SEVENTEEN = Runtime.Version.parse("17.0.15");

	@TempDir
	Path jvms;

	@Test
	void picksTheNewestInstalledJdk() throws IOException {
		Path current = jdk("java-17", "17.0.15");
		jdk("jdk-21", "21.0.5");
		Path newest = jdk("temurin-25", "25.0.3");

		ServiceJava chosen = ServiceJava.choose(null, current, SEVENTEEN, jvms);

		assertThat(chosen.home()).isEqualTo(newest.toRealPath());
		assertThat(chosen.version()).isEqualTo(Runtime.Version.parse("25.0.3"));
		assertThat(chosen.hasAheadOfTimeCache()).isTrue();
	}

	@Test
	void keepsItsOwnJavaWhenNothingNewerIsInstalled() throws IOException {
		Path current = jdk("java-17", "17.0.15");
		jdk("old", "11.0.2");
		Files.createDirectories(jvms.resolve("not-a-jdk"));

		ServiceJava chosen = ServiceJava.choose("", current, SEVENTEEN, jvms);

		assertThat(chosen.home()).isEqualTo(current);
		assertThat(chosen.hasAheadOfTimeCache()).isFalse();
	}

	@Test
	void ignoresDirectoriesWithoutARunnableJava() throws IOException {
		Path current = jdk("java-17", "17.0.15");
		Path broken = Files.createDirectories(jvms.resolve("jdk-25-half-removed"));
		Files.writeString(broken.resolve("release"), "JAVA_VERSION=\"25.0.1\"\n");

		assertThat(ServiceJava.choose(null, current, SEVENTEEN, jvms).home()).isEqualTo(current);
	}

	@Test
	void leavesEarlyAccessBuildsAloneUnlessNamed() throws IOException {
		Path current = jdk("java-17", "17.0.15");
		Path earlyAccess = jdk("jdk-26", "26-ea");

		assertThat(ServiceJava.choose(null, current, SEVENTEEN, jvms).home()).isEqualTo(current);
		assertThat(ServiceJava.choose(earlyAccess.toString(), current, SEVENTEEN, jvms).home())
			.isEqualTo(earlyAccess.toRealPath());
	}

	@Test
	void takesTheConfiguredJdkEvenWhenANewerOneIsInstalled() throws IOException {
		Path current = jdk("java-17", "17.0.15");
		Path configured = jdk("jdk-21", "21.0.5");
		jdk("temurin-25", "25.0.3");

		ServiceJava chosen = ServiceJava.choose(configured.toString(), current, SEVENTEEN, jvms);

		assertThat(chosen.home()).isEqualTo(configured.toRealPath());
		assertThat(chosen.executable()).isEqualTo(configured.toRealPath().resolve("bin/java"));
	}

	@Test
	void refusesAConfiguredDirectoryThatIsNoJdkTheServicesRunOn() throws IOException {
		Path current = jdk("java-17", "17.0.15");
		Path tooOld = jdk("jdk-11", "11.0.2");

		assertThatIllegalStateException()
			.isThrownBy(() -> ServiceJava.choose(tooOld.toString(), current, SEVENTEEN, jvms))
			.withMessageContaining("TANDEM_SERVICE_JAVA_HOME");
		assertThatIllegalStateException()
			.isThrownBy(() -> ServiceJava.choose(jvms.resolve("missing").toString(), current, SEVENTEEN, jvms));
	}

	@Test
	void theChosenJavaIsOneThatRuns() {
		assertThat(ServiceJava.CHOSEN.executable()).isExecutable();
		assertThat(ServiceJava.CHOSEN.version().feature()).isGreaterThanOrEqualTo(Runtime.version().feature());
	}

	/** A JDK as far as the chooser looks: an executable {@code bin/java} and a {@code release} file. */
	private Path jdk(String name, String version) throws IOException {
		Path home = Files.createDirectories(jvms.resolve(name));
		Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
		Files.writeString(java, "#!/bin/sh\n");
		Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
		Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + version + "\"\n");
		return home;
	}
}
