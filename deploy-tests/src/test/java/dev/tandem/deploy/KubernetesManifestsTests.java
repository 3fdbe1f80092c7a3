package dev.tandem.deploy;

import java.nio.file.Files;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import dev.tandem.events.profile.ProfileEvents;
import dev.tandem.events.user.UserEvents;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every overlay under {@code k8s/overlays}, rendered by {@code kubectl kustomize}: valid against the Kubernetes API's
 * schemas, and holding to what the deployment promises (probes, hardening, routing, scaling, isolation, topics).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KubernetesManifestsTests {

	private static final String TOPIC_DLT = UserEvents.TOPIC + ".DLT";

	/** The Secrets the manifests reference and README "Ship it" tells how to create. */
	private static final Set<String> SECRETS = Set.of("identity-service-database", "identity-service-signing-key",
			"identity-service-clients", "profile-service-database", "profile-service-identity-client");

	private final Map<String, Overlay> overlays = new HashMap<>();

	@BeforeAll
	void render() {
		Commands.requireTool(Overlay.kubectlAvailable(), "kubectl");
		Overlay.NAMES.forEach(name -> overlays.put(name, Overlay.render(name)));
	}

	Stream<Overlay> overlays() {
		return Overlay.NAMES.stream().map(overlays::get);
	}

	@ParameterizedTest
	@MethodSource("overlays")
	void validAgainstTheKubernetesSchemas(Overlay overlay) {
		Commands.requireTool(Commands.available("node", "--version"), "node");
		Commands.Result validation = Commands.run(List.of("node", "deploy-tests/kubernetes-schemas/validate.mjs"), overlay.yaml());
		System.out.println("k8s/overlays/" + overlay + ":\n" + validation.output() + validation.errors());
		assertThat(validation.exitCode()).as(validation.output() + validation.errors()).isZero();
		assertThat(validation.output()).contains(overlay.resources().size() + " resources, 0 invalid");
	}

	@ParameterizedTest
	@MethodSource("overlays")
	void probesTheServicesOnTheirMainPort(Overlay overlay) {
		overlay.ofKind("Deployment").forEach(deployment -> {
			JsonNode container = onlyContainer(deployment);
			assertThat(container.path("readinessProbe").path("httpGet").path("path").asString()).isEqualTo("/readyz");
			assertThat(container.path("livenessProbe").path("httpGet").path("path").asString()).isEqualTo("/livez");
			assertThat(container.path("startupProbe").path("httpGet").path("path").asString()).isEqualTo("/livez");
			for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
				assertThat(container.path(probe).path("httpGet").path("port").asString()).isEqualTo("http");
			}
			assertThat(container.path("ports").get(0).path("name").asString()).isEqualTo("http");
			// The pause before SIGTERM plus Spring's 30 s for in-flight requests fit in the grace period.
			int pause = container.path("lifecycle").path("preStop").path("sleep").path("seconds").asInt();
			assertThat(pause).isPositive();
			assertThat(deployment.path("spec").path("template").path("spec").path("terminationGracePeriodSeconds").asInt())
				.isGreaterThan(pause + 30);
		});
	}

	@ParameterizedTest
	@MethodSource("overlays")
	void runsEveryContainerHardened(Overlay overlay) {
		Stream.concat(overlay.ofKind("Deployment"), overlay.ofKind("Job")).forEach(workload -> {
			String name = workload.path("metadata").path("name").asString();
			JsonNode pod = workload.path("spec").path("template").path("spec");
			assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).as(name).isTrue();
			assertThat(pod.path("securityContext").path("runAsUser").asInt()).as(name).isPositive();
			assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).as(name).isFalse();
			JsonNode container = onlyContainer(workload);
			JsonNode security = container.path("securityContext");
			assertThat(security.path("readOnlyRootFilesystem").asBoolean()).as(name).isTrue();
			assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).as(name).isFalse();
			assertThat(security.path("capabilities").path("drop").toString()).as(name).contains("\"ALL\"");
			for (String bound : List.of("requests", "limits")) {
				assertThat(container.path("resources").path(bound).has("cpu")).as(name + " " + bound).isTrue();
				assertThat(container.path("resources").path(bound).has("memory")).as(name + " " + bound).isTrue();
			}
			// With a read-only root filesystem, /tmp must be a volume.
			assertThat(container.path("volumeMounts").valueStream().map(mount -> mount.path("mountPath").asString()))
				.as(name)
				.contains("/tmp");
			String image = container.path("image").asString();
			assertThat(image).as(name).matches(".+:[^:/]+").doesNotEndWith(":latest");
		});
	}

	@ParameterizedTest
	@MethodSource("overlays")
	void routesOnlyThePublicPathsThroughTheIngress(Overlay overlay) {
		Map<String, String> routes = new HashMap<>();
		overlay.ofKind("Ingress").forEach(ingress -> ingress.path("spec").path("rules").forEach(rule -> rule.path("http")
			.path("paths")
			.forEach(path -> routes.put(path.path("path").asString(),
					path.path("backend").path("service").path("name").asString()))));
		assertThat(routes).containsExactlyInAnyOrderEntriesOf(Map.of("/api/users", "identity-service", "/oauth2",
				"identity-service", "/.well-known", "identity-service", "/api/profiles", "profile-service"));
		routes.values().forEach(service -> assertThat(overlay.find("Service", service)).isPresent());
	}

	@ParameterizedTest
	@MethodSource("overlays")
	void selectsTheRightPodsFromServicesBudgetsAndTheAutoscaler(Overlay overlay) {
		for (String service : List.of("identity-service", "profile-service")) {
			JsonNode podLabels = overlay.get("Deployment", service).path("spec").path("template").path("metadata").path("labels");
			JsonNode selector = overlay.get("Service", service).path("spec").path("selector");
			selector.properties().forEach(label -> assertThat(podLabels.path(label.getKey())).isEqualTo(label.getValue()));
			assertThat(overlay.get("Service", service).path("spec").path("ports").get(0).path("targetPort").asString())
				.isEqualTo("http");
			JsonNode budget = overlay.get("PodDisruptionBudget", service).path("spec");
			budget.path("selector").path("matchLabels").properties()
				.forEach(label -> assertThat(podLabels.path(label.getKey())).isEqualTo(label.getValue()));
			assertThat(budget.has("minAvailable") || budget.has("maxUnavailable")).isTrue();
		}
		JsonNode autoscaler = overlay.get("HorizontalPodAutoscaler", "profile-service").path("spec");
		assertThat(autoscaler.path("scaleTargetRef").path("kind").asString()).isEqualTo("Deployment");
		assertThat(autoscaler.path("scaleTargetRef").path("name").asString()).isEqualTo("profile-service");
		// A consumer beyond the partition count would idle.
		assertThat(autoscaler.path("maxReplicas").asInt()).isBetween(autoscaler.path("minReplicas").asInt(),
				overlay.eventPartitions());
	}

	@ParameterizedTest
	@MethodSource("overlays")
	void letsOnlyTheIngressReachThePublicApisOnlyProfileServiceReachIdentityServiceAndPrometheusScrape(Overlay overlay) {
		JsonNode defaultDeny = overlay.get("NetworkPolicy", "default-deny-ingress").path("spec");
		assertThat(defaultDeny.path("podSelector").isEmpty()).isTrue();
		assertThat(defaultDeny.path("ingress").isMissingNode()).isTrue();
		Map<String, Set<String>> allowed = new HashMap<>();
		overlay.ofKind("NetworkPolicy").forEach(policy -> {
			JsonNode spec = policy.path("spec");
			Set<String> pods = new TreeSet<>();
			spec.path("podSelector").path("matchLabels").path("app.kubernetes.io/name").asOptional().ifPresent(name -> pods.add(name.asString()));
			spec.path("podSelector").path("matchExpressions").forEach(expression -> expression.path("values").forEach(value -> pods.add(value.asString())));
			spec.path("ingress").forEach(rule -> rule.path("from").forEach(peer -> {
				String from = peer.has("namespaceSelector")
						? "namespace " + peer.path("namespaceSelector").path("matchLabels").path("kubernetes.io/metadata.name").asString()
						: "pod " + peer.path("podSelector").path("matchLabels").path("app.kubernetes.io/name").asString();
				pods.forEach(pod -> allowed.computeIfAbsent(pod, any -> new TreeSet<>()).add(from));
			}));
		});
		assertThat(allowed).containsExactlyInAnyOrderEntriesOf(Map.of(
				"identity-service", Set.of("namespace ingress-nginx", "pod profile-service", "namespace monitoring"),
				"profile-service", Set.of("namespace ingress-nginx", "namespace monitoring")));
	}

	@ParameterizedTest
	@MethodSource("overlays")
	void createsEveryTopicWithThePartitionCountTheServicesUse(Overlay overlay) {
		int partitions = overlay.eventPartitions();
		assertThat(partitions).isEqualTo(6);
		Set<String> topics = new HashSet<>();
		overlay.ofKind("KafkaTopic").forEach(topic -> {
			topics.add(topic.path("spec").path("topicName").asString());
			assertThat(topic.path("spec").path("partitions").asInt()).isEqualTo(partitions);
			assertThat(topic.path("spec").path("replicas").asString())
				.isEqualTo(overlay.configMap("tandem-shared").get("EVENT_REPLICAS"));
		});
		overlay.ofKind("Job").filter(job -> job.path("metadata").path("name").asString().equals("kafka-topics")).forEach(job -> {
			JsonNode container = onlyContainer(job);
			String script = container.path("command").toString();
			assertThat(script).contains("--partitions \\\"$EVENT_PARTITIONS\\\"");
			List.of(UserEvents.TOPIC, TOPIC_DLT, ProfileEvents.TOPIC).stream().filter(script::contains).forEach(topics::add);
			assertThat(container.path("envFrom").get(0).path("configMapRef").path("name").asString()).startsWith("tandem-shared-");
		});
		assertThat(topics).containsExactlyInAnyOrder(UserEvents.TOPIC, TOPIC_DLT, ProfileEvents.TOPIC);
	}

	@ParameterizedTest
	@MethodSource("overlays")
	void referencesOnlyTheDocumentedSecretsAndExistingConfigMaps(Overlay overlay) throws Exception {
		Set<String> secrets = new TreeSet<>();
		Set<String> configMaps = new TreeSet<>();
		Stream.concat(overlay.ofKind("Deployment"), overlay.ofKind("Job")).forEach(workload -> {
			JsonNode pod = workload.path("spec").path("template").path("spec");
			pod.path("volumes").forEach(volume -> {
				volume.path("secret").path("secretName").asOptional().ifPresent(name -> secrets.add(name.asString()));
				volume.path("configMap").path("name").asOptional().ifPresent(name -> configMaps.add(name.asString()));
			});
			onlyContainer(workload).path("env").forEach(variable -> variable.path("valueFrom").path("secretKeyRef").path("name")
				.asOptional().ifPresent(name -> secrets.add(name.asString())));
			onlyContainer(workload).path("envFrom").forEach(source -> source.path("configMapRef").path("name")
				.asOptional().ifPresent(name -> configMaps.add(name.asString())));
		});
		assertThat(secrets).isEqualTo(new TreeSet<>(SECRETS));
		assertThat(overlay.ofKind("Secret")).as("no Secret is written into the manifests").isEmpty();
		configMaps.forEach(name -> assertThat(overlay.find("ConfigMap", name)).as(name).isPresent());
		String readme = Files.readString(Commands.REPOSITORY.resolve("README.md"));
		SECRETS.forEach(secret -> assertThat(readme).as("README tells how to create " + secret).contains(secret));
	}

	private static JsonNode onlyContainer(JsonNode workload) {
		JsonNode containers = workload.path("spec").path("template").path("spec").path("containers");
		assertThat(containers.size()).isEqualTo(1);
		return containers.get(0);
	}
}
