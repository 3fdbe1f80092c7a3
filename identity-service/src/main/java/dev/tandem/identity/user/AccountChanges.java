package dev.tandem.identity.user;

import java.util.List;

import dev.tandem.support.text.Typed;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

/**
 * The request bodies that change an account. A field left out (or null) stays as it is.
 */
final class AccountChanges {

	private AccountChanges() {
	}

	/** What users may change of their own account. */
	record OwnChanges(@Size(max = 150) @Typed @Nullable String firstName,
			@Size(max = 150) @Typed @Nullable String lastName,
			@Email @Typed @Size(min = 3, max = 254) @Nullable String email) {
	}

	/** What an admin may change of any account. */
	record AdminChanges(@Size(max = 150) @Typed @Nullable String firstName,
			@Size(max = 150) @Typed @Nullable String lastName,
			@Email @Typed @Size(min = 3, max = 254) @Nullable String email,
			@Nullable Boolean active,
			@Size(max = 20) @Nullable List<@NotNull @Pattern(regexp = "[a-z][a-z0-9_-]{0,39}",
					message = "must be lower-case letters, digits, - or _, starting with a letter") String> roles) {
	}

	/** A password change by the user: the current password proves it is them. */
	record PasswordChange(@NotBlank @Nullable String currentPassword,
			@NotBlank @Size(max = 4096) @Nullable String newPassword) {
	}
}
