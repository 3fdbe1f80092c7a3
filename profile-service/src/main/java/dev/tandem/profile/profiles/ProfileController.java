package dev.tandem.profile.profiles;

import java.util.UUID;

import reactor.core.publisher.Mono;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The profiles API.
 */
@RestController
@RequestMapping("/api/profiles")
class ProfileController {

	private final Profiles profiles;

	ProfileController(Profiles profiles) {
		this.profiles = profiles;
	}

	@GetMapping("/{userId}")
	Mono<ProfileView> profile(@PathVariable UUID userId) {
		return profiles.findById(userId).map(ProfileView::of).switchIfEmpty(Mono.error(() -> new ProfileNotFound(userId)));
	}
}
