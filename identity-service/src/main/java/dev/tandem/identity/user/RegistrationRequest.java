package dev.tandem.identity.user;

import java.util.Map;

import dev.tandem.support.text.Typed;
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
		@NotBlank @Email @Typed @Size(max = 254) @Nullable String email,
		@NotBlank @Size(max = 4096) @Nullable String password,
		@Size(max = 150) @Typed @Nullable String firstName,
		@Size(max = 150) @Typed @Nullable String lastName,
		@Size(max = 50, message = "may hold at most 50 values") @Nullable Map<String, Object> profile) {
}
