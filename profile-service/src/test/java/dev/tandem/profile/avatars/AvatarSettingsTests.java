package dev.tandem.profile.avatars;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AvatarSettingsTests {

	/** The settings as the service binds them when nothing is configured. */
	static AvatarSettings defaults() {
		return bind(Map.of());
	}

	@Test
	void defaultsToFiveMegabytesTenThousandPixelsASideAndTwoDecodesAtOnce() {
		AvatarSettings settings = defaults();

		assertThat(settings.maxUploadSize()).isEqualTo(DataSize.ofBytes(5 * 1024 * 1024));
		assertThat(settings.maxSide()).isEqualTo(10_000);
		assertThat(settings.maxPixels()).isEqualTo(16_000_000);
		assertThat(settings.largeSize()).isEqualTo(512);
		assertThat(settings.smallSize()).isEqualTo(128);
		assertThat(settings.jpegQuality()).isEqualTo(0.85f);
		assertThat(settings.concurrentDecodes()).isEqualTo(2);
		assertThat(settings.decodeWait()).isEqualTo(Duration.ofSeconds(10));
	}

	@Test
	void bindsFromProperties() {
		AvatarSettings settings = bind(Map.of("tandem.avatars.max-upload-size", "2MB",
				"tandem.avatars.concurrent-decodes", "1", "tandem.avatars.decode-wait", "500ms"));

		assertThat(settings.maxUploadSize()).isEqualTo(DataSize.ofMegabytes(2));
		assertThat(settings.concurrentDecodes()).isEqualTo(1);
		assertThat(settings.decodeWait()).isEqualTo(Duration.ofMillis(500));
	}

	@Test
	void refusesASmallRenditionLargerThanTheLargeOne() {
		assertThatThrownBy(() -> bind(Map.of("tandem.avatars.small-size", "600")))
			.isInstanceOf(BindException.class)
			.hasRootCauseMessage("tandem.avatars.small-size must be positive and at most large-size");
	}

	private static AvatarSettings bind(Map<String, String> properties) {
		return new Binder(new MapConfigurationPropertySource(properties)).bindOrCreate("tandem.avatars",
				AvatarSettings.class);
	}
}
