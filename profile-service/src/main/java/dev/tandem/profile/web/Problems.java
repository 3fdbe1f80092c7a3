package dev.tandem.profile.web;

import java.net.URI;

import dev.tandem.profile.avatars.AvatarNotFound;
import dev.tandem.profile.avatars.AvatarProcessingBusy;
import dev.tandem.profile.avatars.AvatarTooLarge;
import dev.tandem.profile.avatars.InvalidAvatar;
import dev.tandem.profile.avatars.UnsupportedAvatarType;
import dev.tandem.profile.events.KafkaUnavailable;
import dev.tandem.profile.events.ReplayInProgress;
import dev.tandem.profile.identity.IdentityUnavailable;
import dev.tandem.profile.profiles.InvalidProfile;
import dev.tandem.profile.profiles.NotAUser;
import dev.tandem.profile.profiles.ProfileNotFound;
import dev.tandem.support.web.InputProblems;
import dev.tandem.support.web.TryAgainLater;

import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Translates failures into problem details.
 * Asked before service-support's {@code DatabaseProblems}, the shared answers to the database's refusals.
 */
@RestControllerAdvice
@Order(0)
class Problems extends InputProblems {

	static final URI PROFILE_NOT_FOUND = URI.create("https://tandem.dev/problems/profile-not-found");

	@ExceptionHandler
	ErrorResponse invalidProfile(InvalidProfile ex) {
		return ErrorResponse.builder(ex, HttpStatus.BAD_REQUEST, ex.getMessage())
			.type(URI.create("https://tandem.dev/problems/invalid-profile"))
			.title("Invalid profile")
			.property("errors", ex.problems())
			.build();
	}

	@ExceptionHandler
	ErrorResponse notAUser(NotAUser ex) {
		return ErrorResponse.builder(ex, HttpStatus.FORBIDDEN, ex.getMessage())
			.type(URI.create("https://tandem.dev/problems/forbidden"))
			.title("Forbidden")
			.build();
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> identityUnavailable(IdentityUnavailable ex) {
		return TryAgainLater.problem("https://tandem.dev/problems/identity-unavailable", "identity-service unavailable",
				ex.getMessage());
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> kafkaUnavailable(KafkaUnavailable ex) {
		return TryAgainLater.problem("https://tandem.dev/problems/kafka-unavailable", "Kafka unavailable",
				ex.getMessage());
	}

	@ExceptionHandler
	ErrorResponse replayInProgress(ReplayInProgress ex) {
		return ErrorResponse.builder(ex, HttpStatus.CONFLICT, ex.getMessage())
			.type(URI.create("https://tandem.dev/problems/replay-in-progress"))
			.title("Replay in progress")
			.build();
	}

	@ExceptionHandler
	ErrorResponse invalidAvatar(InvalidAvatar ex) {
		return ErrorResponse.builder(ex, HttpStatus.BAD_REQUEST, ex.getMessage())
			.type(URI.create("https://tandem.dev/problems/invalid-avatar"))
			.title("Invalid avatar")
			.build();
	}

	@ExceptionHandler
	ErrorResponse unsupportedAvatarType(UnsupportedAvatarType ex) {
		return ErrorResponse.builder(ex, HttpStatus.UNSUPPORTED_MEDIA_TYPE, ex.getMessage())
			.type(URI.create("https://tandem.dev/problems/unsupported-avatar-type"))
			.title("Unsupported avatar type")
			.header(HttpHeaders.ACCEPT, String.join(", ", UnsupportedAvatarType.ACCEPTED))
			.property("accepted", UnsupportedAvatarType.ACCEPTED)
			.build();
	}

	@ExceptionHandler
	ErrorResponse avatarTooLarge(AvatarTooLarge ex) {
		return ErrorResponse.builder(ex, HttpStatus.CONTENT_TOO_LARGE, ex.getMessage())
			.type(URI.create("https://tandem.dev/problems/avatar-too-large"))
			.title("Avatar too large")
			.property("maxBytes", ex.maxBytes())
			.build();
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> avatarProcessingBusy(AvatarProcessingBusy ex) {
		return TryAgainLater.problem("https://tandem.dev/problems/avatar-processing-busy", "Busy processing avatars",
				ex.getMessage());
	}

	@ExceptionHandler
	ErrorResponse avatarNotFound(AvatarNotFound ex) {
		return ErrorResponse.builder(ex, HttpStatus.NOT_FOUND, ex.getMessage())
			.type(URI.create("https://tandem.dev/problems/avatar-not-found"))
			.title("No profile picture")
			.build();
	}

	@ExceptionHandler
	ErrorResponse profileNotFound(ProfileNotFound ex) {
		return ErrorResponse.builder(ex, HttpStatus.NOT_FOUND, ex.getMessage())
			.type(PROFILE_NOT_FOUND)
			.title("Profile not found")
			.build();
	}
}
