package dev.tandem.identity.user;

import java.util.Map;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

/**
 * What a client sends to register: the fields of Django's registration form, plus optional initial profile values
 * (seed 001's register view) that travel to profile-service in {@code UserCreated}.
 *
 * @param profile initial profile values, a JSON object; profile-service applies the ones it accepts
 */
record RegistrationRequest(
		@NotBlank @Size(max = 150) @Pattern(regexp = "[\\w.@+-]*",
				message = "may contain only letters, digits and @/./+/-/_") @Nullable String username,
		@NotBlank @Email @Pattern(regexp = NO_CONTROL_CHARACTERS, message = NO_CONTROL_CHARACTERS_MESSAGE)
		@Size(max = 254) @Nullable String email,
		@NotBlank @Size(max = 4096) @Nullable String password,
		@Size(max = 150) @Pattern(regexp = NO_CONTROL_CHARACTERS, message = NO_CONTROL_CHARACTERS_MESSAGE)
		@Nullable String firstName,
		@Size(max = 150) @Pattern(regexp = NO_CONTROL_CHARACTERS, message = NO_CONTROL_CHARACTERS_MESSAGE)
		@Nullable String lastName,
		@Size(max = 50, message = "may hold at most 50 values") @Nullable Map<String, Object> profile) {

	/**
	 * Text a person types: anything but control characters (C0 and C1, as {@code Character.isISOControl} has them;
	 * PostgreSQL text cannot always hold them) and unpaired surrogates (no Unicode at all: the driver would store each
	 * as "?", so the stored user would differ from the answer).
	 */
	static final String NO_CONTROL_CHARACTERS = "[^\\p{Cc}\\p{Cs}]*";

	/** What a field that breaks {@link #NO_CONTROL_CHARACTERS} is told. */
	static final String NO_CONTROL_CHARACTERS_MESSAGE = "must not contain control characters or unpaired surrogates";
}
