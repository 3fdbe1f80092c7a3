package dev.tandem.deploy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** One Kustomize overlay as {@code kubectl kustomize} renders it: the YAML and the resources parsed from it. */
record Overlay(String name, String yaml, List<JsonNode> resources) {

	static final List<String> NAMES = List.of("dev", "prod");

	private static final ObjectMapper YAML = YAMLMapper.builder().build();

	static Overlay render(String name) {
		Commands.Result rendered = Commands.run("kubectl", "kustomize", "k8s/overlays/" + name);
		if (!rendered.succeeded()) {
			throw new IllegalStateException("kubectl kustomize k8s/overlays/" + name + " failed: " + rendered.errors());
		}
		List<JsonNode> resources = YAML.readValues(YAML.createParser(rendered.output()), JsonNode.class)
			.readAll()
			.stream()
			.filter(node -> node != null && !node.isNull() && !node.isMissingNode())
			.toList();
		return new Overlay(name, rendered.output(), resources);
	}

	static boolean kubectlAvailable() {
		return Commands.available("kubectl", "version", "--client");
	}

	Stream<JsonNode> ofKind(String kind) {
		return resources.stream().filter(resource -> resource.path("kind").asString().equals(kind));
	}

	JsonNode get(String kind, String name) {
		return find(kind, name).orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in overlay " + this.name));
	}

	Optional<JsonNode> find(String kind, String name) {
		return ofKind(kind).filter(resource -> resource.path("metadata").path("name").asString().equals(name)).findFirst();
	}

	/** A generated ConfigMap by the name it has before Kustomize appends its hash. */
	Map<String, String> configMap(String name) {
		JsonNode configMap = ofKind("ConfigMap")
			.filter(resource -> resource.path("metadata").path("name").asString().matches(name + "-[a-z0-9]{10}"))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no ConfigMap " + name + " in overlay " + this.name));
		return YAML.convertValue(configMap.path("data"), YAML.getTypeFactory().constructMapType(Map.class, String.class, String.class));
	}

	int eventPartitions() {
		return Integer.parseInt(configMap("tandem-shared").get("EVENT_PARTITIONS"));
	}

	@Override
	public String toString() {
		return name;
	}
}
