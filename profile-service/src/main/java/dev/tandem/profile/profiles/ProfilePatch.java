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
import dev.tandem.support.text.TypedText;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A JSON Merge Patch (RFC 7396) of a profile's editable fields: a field given replaces the value, {@code null}
 * removes it, a field left out stays; {@code attributes} is merged member by member, and the result must satisfy the
 * {@link ProfileSchema} except for missing required members. Every value is checked before anything changes; all problems are reported at
 * once, each with its JSON pointer.
 */
final class ProfilePatch {

	static final String ATTRIBUTES = "attributes";

	private static final String UNSTORABLE = "must not contain NUL characters or unpaired surrogates";

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
	static Profile apply(Profile profile, JsonNode patch, Instant now, ProfileSchema schema) {
		if (!patch.isObject()) {
			throw new InvalidProfile(List.of(new InvalidProfile.FieldProblem("", "", "must be a JSON object")));
		}
		List<InvalidProfile.FieldProblem> problems = new ArrayList<>();
		Map<String, @Nullable String> values = new LinkedHashMap<>();
		JsonNode attributes = profile.attributes();
		for (Map.Entry<String, JsonNode> entry : patch.properties()) {
			String field = entry.getKey();
			JsonNode value = entry.getValue();
			Function<String, @Nullable String> rule = RULES.get(field);
			if (field.equals(ATTRIBUTES)) {
				if (value.isObject() || value.isNull()) {
					attributes = merge(attributes, value.isNull() ? JsonNodeFactory.instance.objectNode() : value, value.isNull());
					problems.addAll(attributeProblems(attributes, schema));
				}
				else {
					problems.add(problem(field, "must be a JSON object or null"));
				}
			}
			else if (rule == null) {
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
				String problem = TypedText.isTyped(text, field.equals("bio")) ? rule.apply(text) : TypedText.MESSAGE;
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
				pick(values, "company", profile.company()), pick(values, "location", profile.location()), attributes,
				List.of(), profile.avatarEtag(), profile.createdAt(), now, profile.version() + 1,
				profile.identityVersion());
	}

	/**
	 * Sorts the values sent at registration into those the profile takes and those it cannot, with the reason: an
	 * invalid value is left out and reported, never a reason to refuse the profile.
	 */
	static InitialValues initialValues(JsonNode values, ProfileSchema schema) {
		Map<String, String> fixed = new LinkedHashMap<>();
		ObjectNode attributes = JsonNodeFactory.instance.objectNode();
		List<InvalidProfile.FieldProblem> rejected = new ArrayList<>();
		for (Map.Entry<String, JsonNode> entry : values.properties()) {
			String field = entry.getKey();
			JsonNode value = entry.getValue();
			Function<String, @Nullable String> rule = RULES.get(field);
			if (field.equals(ATTRIBUTES) && value.isObject()) {
				attributes = (ObjectNode) value.deepCopy();
			}
			else if (field.equals(ATTRIBUTES)) {
				rejected.add(problem(field, "must be a JSON object"));
			}
			else if (rule == null) {
				rejected.add(problem(field, "is not a field of the profile"));
			}
			else if (!value.isString()) {
				rejected.add(problem(field, "must be a string"));
			}
			else {
				String text = value.asString().strip();
				String problem = TypedText.isTyped(text, field.equals("bio")) ? rule.apply(text) : TypedText.MESSAGE;
				if (problem != null) {
					rejected.add(problem(field, problem));
				}
				else if (!text.isEmpty()) {
					fixed.put(field, text);
				}
			}
		}
		// A JSON null means no value: it is left out like a member that was not sent. What the database cannot
		// store is left out by name, before the schema is asked about the rest.
		List<String> leftOut = new ArrayList<>();
		attributes.properties().forEach(member -> {
			if (member.getValue().isNull()) {
				leftOut.add(member.getKey());
			}
			else if (InvalidProfile.unstorable(member.getKey()) || unstorable(member.getValue())) {
				leftOut.add(member.getKey());
				rejected.add(new InvalidProfile.FieldProblem(ATTRIBUTES + "." + member.getKey(),
						"/" + ATTRIBUTES + "/" + ProfileSchema.escape(member.getKey()), UNSTORABLE));
			}
		});
		attributes.remove(leftOut);
		if (attributes.isEmpty()) {
			return new InitialValues(fixed, attributes, rejected);
		}
		// Leave out each attribute the schema finds fault with; if the rest still is not valid (a rule about the
		// attributes as a whole, say), none is taken.
		for (InvalidProfile.FieldProblem problem : schema.problems(attributes)) {
			String[] segments = problem.pointer().split("/", 4);
			if (segments.length < 3) {
				attributes.removeAll();
			}
			else {
				attributes.remove(segments[2].replace("~1", "/").replace("~0", "~"));
			}
			rejected.add(problem);
		}
		List<InvalidProfile.FieldProblem> remaining = schema.problems(attributes);
		if (!remaining.isEmpty()) {
			rejected.addAll(remaining);
			attributes.removeAll();
		}
		return new InitialValues(fixed, attributes, rejected);
	}

	/** What registration sent that a new profile takes, and what it could not take. */
	record InitialValues(Map<String, String> fixed, ObjectNode attributes, List<InvalidProfile.FieldProblem> rejected) {

		static final InitialValues NONE = new InitialValues(Map.of(), JsonNodeFactory.instance.objectNode(), List.of());

		@Nullable String get(String field) {
			return fixed.get(field);
		}
	}

	/** RFC 7396: a patch object changes the target member by member, {@code null} removes a member. */
	private static JsonNode merge(JsonNode target, JsonNode patch, boolean replace) {
		if (replace || !patch.isObject()) {
			return patch.deepCopy();
		}
		ObjectNode result = target.isObject() ? (ObjectNode) target.deepCopy() : JsonNodeFactory.instance.objectNode();
		for (Map.Entry<String, JsonNode> member : patch.properties()) {
			if (member.getValue().isNull()) {
				result.remove(member.getKey());
			}
			else {
				result.set(member.getKey(), merge(result.path(member.getKey()), member.getValue(), false));
			}
		}
		return result;
	}

	private static List<InvalidProfile.FieldProblem> attributeProblems(JsonNode attributes, ProfileSchema schema) {
		List<InvalidProfile.FieldProblem> problems = new ArrayList<>();
		for (Map.Entry<String, JsonNode> member : attributes.properties()) {
			if (InvalidProfile.unstorable(member.getKey()) || unstorable(member.getValue())) {
				String pointer = "/" + ATTRIBUTES + "/" + ProfileSchema.escape(member.getKey());
				problems.add(new InvalidProfile.FieldProblem(ATTRIBUTES + "." + member.getKey(), pointer, UNSTORABLE));
			}
		}
		// The schema is asked only about text the database can hold, so its messages can be stored too.
		return problems.isEmpty() ? schema.problems(attributes) : problems;
	}

	/** PostgreSQL's jsonb cannot hold U+0000 or unpaired surrogates; such a value is refused, never a 500. */
	private static boolean unstorable(JsonNode value) {
		if (value.isString()) {
			return InvalidProfile.unstorable(value.asString());
		}
		for (Map.Entry<String, JsonNode> member : value.properties()) {
			if (InvalidProfile.unstorable(member.getKey()) || unstorable(member.getValue())) {
				return true;
			}
		}
		if (value.isArray()) {
			for (JsonNode element : value.values()) {
				if (unstorable(element)) {
					return true;
				}
			}
		}
		return false;
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
