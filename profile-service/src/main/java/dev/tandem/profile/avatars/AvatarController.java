package dev.tandem.profile.avatars;

import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.Semaphore;

import dev.tandem.profile.profiles.NotAUser;
import dev.tandem.profile.profiles.Profile;
import dev.tandem.profile.profiles.ProfileLookup;
import jakarta.validation.constraints.Pattern;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Profile pictures (seed 000's {@code profile_picture}): uploaded by their owner, served to anyone who has the URL,
 * so that browsers can load them in an {@code img} without a token. The upload is read up to the size limit only,
 * and decoded off the event loop.
 */
@RestController
@RequestMapping("/api/profiles")
class AvatarController {

	private static final CacheControl REVALIDATE = CacheControl.noCache().cachePublic();

	/** A URL that names the picture's ETag always shows that picture: it may be cached for good. */
	private static final CacheControl IMMUTABLE = CacheControl.maxAge(Duration.ofDays(365)).cachePublic().immutable();

	private final AvatarImages images;

	private final Avatars avatars;

	private final ProfileLookup lookup;

	private final AvatarSettings settings;

	private final Clock clock;

	/**
	 * Uploads being read or processed: each holds up to the size limit in memory before it waits for a decode, so
	 * their number is bounded too, and one beyond it is turned away at once.
	 */
	private final Semaphore uploads;

	AvatarController(AvatarImages images, Avatars avatars, ProfileLookup lookup, AvatarSettings settings, Clock clock) {
		this.images = images;
		this.avatars = avatars;
		this.lookup = lookup;
		this.settings = settings;
		this.clock = clock;
		this.uploads = new Semaphore(settings.concurrentDecodes() * 2);
	}

	@PutMapping(path = "/me/avatar",
			consumes = { MediaType.IMAGE_JPEG_VALUE, MediaType.IMAGE_PNG_VALUE, MediaType.IMAGE_GIF_VALUE })
	Mono<ResponseEntity<AvatarLink>> upload(@AuthenticationPrincipal JwtAuthenticationToken caller,
			ServerHttpRequest request) {
		UUID userId = userIdOf(caller);
		long maxBytes = settings.maxUploadSize().toBytes();
		long declaredLength = request.getHeaders().getContentLength();
		if (declaredLength > maxBytes) {
			return Mono.error(new AvatarTooLarge(declaredLength, maxBytes));
		}
		MediaType type = request.getHeaders().getContentType();
		if (!uploads.tryAcquire()) {
			return Mono.error(new AvatarProcessingBusy(Duration.ZERO));
		}
		return DataBufferUtils.join(request.getBody(), (int) Math.min(maxBytes, Integer.MAX_VALUE))
			.onErrorMap(DataBufferLimitException.class, ex -> new AvatarTooLarge(maxBytes + 1, maxBytes))
			.map(buffer -> {
				try {
					byte[] bytes = new byte[buffer.readableByteCount()];
					buffer.read(bytes);
					return bytes;
				}
				finally {
					DataBufferUtils.release(buffer);
				}
			})
			.defaultIfEmpty(new byte[0])
			.publishOn(Schedulers.boundedElastic())
			.map(bytes -> images.process(bytes, type == null ? null : type.toString()))
			// The profile may not be there yet right after sign-up: find (or create) it first.
			.flatMap(avatar -> lookup.find(userId)
				.then(avatars.store(userId, avatar, clock.instant().truncatedTo(ChronoUnit.MICROS))))
			.map(profile -> ResponseEntity.ok(AvatarLink.of(profile)))
			.doFinally(signal -> uploads.release());
	}

	@DeleteMapping("/me/avatar")
	Mono<ResponseEntity<Void>> remove(@AuthenticationPrincipal JwtAuthenticationToken caller) {
		UUID userId = userIdOf(caller);
		return lookup.find(userId)
			.then(avatars.remove(userId, clock.instant().truncatedTo(ChronoUnit.MICROS)))
			.thenReturn(ResponseEntity.noContent().build());
	}

	/**
	 * The picture, 512 px or ({@code size=small}) 128 px square. With {@code v} naming the current picture it may be
	 * cached for good; without, caches revalidate with {@code If-None-Match}.
	 */
	@GetMapping("/{userId}/avatar")
	Mono<ResponseEntity<byte[]>> avatar(@PathVariable UUID userId,
			@RequestParam(defaultValue = "large") @Pattern(regexp = "large|small") String size,
			@RequestParam(required = false) @Nullable String v,
			@RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) @Nullable String ifNoneMatch) {
		return avatars.find(userId, size.equals("small"))
			.switchIfEmpty(Mono.error(() -> new AvatarNotFound(userId)))
			.map(avatar -> {
				// The two renditions are different representations: each has its own entity tag.
				String etag = "\"" + avatar.etag() + "-" + size + "\"";
				CacheControl caching = avatar.etag().equals(v) ? IMMUTABLE : REVALIDATE;
				if (ifNoneMatch != null && ifNoneMatch.contains(etag)) {
					return ResponseEntity.status(HttpStatus.NOT_MODIFIED).eTag(etag).cacheControl(caching).build();
				}
				return ResponseEntity.ok()
					.eTag(etag)
					.cacheControl(caching)
					.contentType(MediaType.parseMediaType(avatar.contentType()))
					.header("X-Content-Type-Options", "nosniff")
					.body(avatar.image());
			});
	}

	/** Where the picture just stored is served. */
	record AvatarLink(String avatarUrl, long profileVersion) {

		static AvatarLink of(Profile profile) {
			return new AvatarLink("/api/profiles/" + profile.userId() + "/avatar?v=" + profile.avatarEtag(),
					profile.version());
		}
	}

	private static UUID userIdOf(JwtAuthenticationToken caller) {
		try {
			return UUID.fromString(caller.getName());
		}
		catch (IllegalArgumentException ex) {
			throw new NotAUser(caller.getName());
		}
	}
}
