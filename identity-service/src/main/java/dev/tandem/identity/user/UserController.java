package dev.tandem.identity.user;

import jakarta.validation.Valid;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The users API.
 */
@RestController
@RequestMapping("/api/users")
class UserController {

	private final Registration registration;

	UserController(Registration registration) {
		this.registration = registration;
	}

	@PostMapping
	@ResponseStatus(HttpStatus.CREATED)
	Mono<UserView> register(@Valid @RequestBody RegistrationRequest request) {
		return registration.register(request).map(UserView::of);
	}
}
