package dev.tandem.profile.profiles;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A JSON Merge Patch (RFC 7396) of a profile's editable fields: a field given replaces the value, {@code null}
 * removes it, a field left out stays. Every value is checked before anything changes; all problems are reported at
 * once, each with its JSON pointer.
 */
final class ProfilePatch {

	private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");

	private static final LocalDate EARLIEST_BIRTHDATE = LocalDate.of(1900, 1, 1);

	private static final Map<String, Function<String, @Nullable String>> RULES = new LinkedHashMap<>();

	static {
		RULES.put("displayName", value -> maxLength(value, 150));
		RULES.put("bio", value -> maxLength(value, 500));
		RULES.put("birthdate", ProfilePatch::birthdateProblem);
		RULES.put("phoneNumber", ProfilePatch::phoneProblem);
		RULES.put("website", ProfilePatch::websiteProblem);
		RULES.put("company", value -> maxLength(value, 150));
		RULES.put("location", value -> maxLength(value, 150));
	}

	private ProfilePatch() {
	}

	/**
	 * The profile with the patch applied and its version advanced.
	 *
	 * @throws InvalidProfile if the patch is not an object or any field is unknown or invalid
	 */
	static Profile apply(Profile profile, JsonNode patch, Instant now) {
		if (!patch.isObject()) {
			throw new InvalidProfile(List.of(new InvalidProfile.FieldProblem("", "", "must be a JSON object")));
		}
		List<InvalidProfile.FieldProblem> problems = new ArrayList<>();
		Map<String, @Nullable String> values = new LinkedHashMap<>();
		for (Map.Entry<String, JsonNode> entry : patch.properties()) {
			String field = entry.getKey();
			JsonNode value = entry.getValue();
			Function<String, @Nullable String> rule = RULES.get(field);
			if (rule == null) {
				problems.add(problem(field, "is not a field of the profile that can be changed"));
			}
			else if (value.isNull()) {
				values.put(field, null);
			}
			else if (!value.isString()) {
				problems.add(problem(field, "must be a string or null"));
			}
			else {
				String text = value.asString().strip();
				String problem = hasControlCharacters(text, field.equals("bio")) ? "must not contain control characters"
						: rule.apply(text);
				if (problem != null) {
					problems.add(problem(field, problem));
				}
				values.put(field, text.isEmpty() ? null : text);
			}
		}
		if (!problems.isEmpty()) {
			throw new InvalidProfile(problems);
		}
		return new Profile(profile.userId(), profile.username(), profile.email(),
				pick(values, "displayName", profile.displayName()), pick(values, "bio", profile.bio()),
				values.containsKey("birthdate") ? parseDate(values.get("birthdate")) : profile.birthdate(),
				pick(values, "phoneNumber", profile.phoneNumber()), pick(values, "website", profile.website()),
				pick(values, "company", profile.company()), pick(values, "location", profile.location()),
				profile.createdAt(), now, profile.version() + 1, profile.identityVersion());
	}

	private static @Nullable String pick(Map<String, @Nullable String> values, String field, @Nullable String current) {
		return values.containsKey(field) ? values.get(field) : current;
	}

	private static @Nullable LocalDate parseDate(@Nullable String value) {
		return value == null ? null : LocalDate.parse(value);
	}

	private static InvalidProfile.FieldProblem problem(String field, String message) {
		return new InvalidProfile.FieldProblem(field, "/" + field.replace("~", "~0").replace("/", "~1"), message);
	}

	/** Whether {@code text} holds control characters; a multi-line field may hold line breaks and tabs. */
	private static boolean hasControlCharacters(String text, boolean multiLine) {
		return text.chars().anyMatch(c -> Character.isISOControl(c) && !(multiLine && (c == '\n' || c == '\r' || c == '\t')));
	}

	private static @Nullable String maxLength(String value, int max) {
		return value.codePointCount(0, value.length()) > max ? "must be at most " + max + " characters" : null;
	}

	private static @Nullable String birthdateProblem(String value) {
		try {
			LocalDate date = LocalDate.parse(value);
			if (!date.isBefore(LocalDate.now())) {
				return "must be in the past";
			}
			return date.isBefore(EARLIEST_BIRTHDATE) ? "must not be before 1900-01-01" : null;
		}
		catch (DateTimeParseException ex) {
			return "must be a date in the form YYYY-MM-DD";
		}
	}

	/** A phone number must be in E.164 form and be a number libphonenumber knows to be valid for its country. */
	private static @Nullable String phoneProblem(String value) {
		if (!E164.matcher(value).matches()) {
			return "must be a phone number in E.164 form, such as +14155550123";
		}
		try {
			PhoneNumberUtil phones = PhoneNumberUtil.getInstance();
			return phones.isValidNumber(phones.parse(value, null)) ? null : "is not a valid phone number";
		}
		catch (NumberParseException ex) {
			return "is not a valid phone number";
		}
	}

	private static @Nullable String websiteProblem(String value) {
		if (value.length() > 200) {
			return "must be at most 200 characters";
		}
		try {
			URI uri = new URI(value);
			boolean web = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
			return web && uri.getHost() != null ? null : "must be an http or https URL";
		}
		catch (URISyntaxException ex) {
			return "must be an http or https URL";
		}
	}
}
