package io.pgrealtime.system.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Helm chart {@code helm/pgrealtime}, linted and rendered in-process by helm-java (Helm's Go
 * library through JNI; no helm binary, no cluster) and checked as Kubernetes objects: gateway and
 * relay Deployments with probes, hardening and resources; the HPA, PDB and preStop of the gateway;
 * two relays with the lease settings; secrets only in the Secret; the optional ServiceMonitor and
 * Ingress only when enabled.
 */
class HelmChartTest {
    static final String CHART = "helm/pgrealtime";
    static final String RELEASE = "rt";
    static final String NAMESPACE = "realtime";
    static final String JWT = "test-jwt-0123456789abcdef0123456789abcdef";
    static final String DB_PASSWORD = "test-db-password-5e3c1f";
    static final String REDIS_PASSWORD = "test-redis-password-9a7b";
    static final Pattern SECRET_LOOKING = Pattern.compile("(?i).*(SECRET|PASSWORD|PASSWD|TOKEN|CREDENTIAL).*");

    /** Defaults plus the one required input. */
    static final Map<String, Object> DEFAULTS = Map.of("secrets.jwtSecret", JWT);
    /** Every optional part on, fixed replicas, credentials given to the chart. */
    static final Map<String, Object> EVERYTHING = Map.of(
            "secrets.jwtSecret", JWT,
            "secrets.databasePassword", DB_PASSWORD,
            "secrets.redisUrl", "redis://:" + REDIS_PASSWORD + "@redis:6379",
            "ingress.enabled", true,
            "serviceMonitor.enabled", true,
            "gateway.autoscaling.enabled", false,
            "gateway.replicas", 3);
    /** Credentials managed outside the chart. */
    static final Map<String, Object> EXISTING_SECRET = Map.of("secrets.existingSecret", "pgrt-credentials");

    private static final Map<Map<String, Object>, List<Map<String, Object>>> RENDERED = new ConcurrentHashMap<>();

    @Test
    void chartLintsWithoutFindings() {
        LintResult lint = new Helm(RepoFiles.path(CHART)).lint().strict().call();
        assertThat(lint.isFailed()).as("helm lint --strict %s: %s", CHART, lint.getMessages()).isFalse();
        assertThat(lint.getMessages()).as("helm lint findings").noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    @Test
    void renderingWithoutAJwtSecretFailsWithAClearMessage() {
        assertThatThrownBy(() -> template(Map.of()))
                .hasMessageContaining("secrets.jwtSecret").hasMessageContaining("secrets.existingSecret");
        assertThatThrownBy(() -> template(Map.of("secrets.jwtSecret", "too-short")))
                .hasMessageContaining("at least 32 bytes");
    }

    @Test
    void defaultsRenderHardenedDeploymentsOfBothProcesses() {
        for (Map<String, Object> values : List.of(DEFAULTS, EVERYTHING, EXISTING_SECRET)) {
            List<Map<String, Object>> docs = render(values);
            Map<String, Object> gateway = deployment(docs, "gateway");
            Map<String, Object> relay = deployment(docs, "relay");
            for (Map<String, Object> deployment : List.of(gateway, relay)) {
                String name = name(deployment);
                Map<String, Object> pod = map(map(deployment, "spec", "template"), "spec");
                assertThat(map(pod, "securityContext")).as("%s pod securityContext", name)
                        .containsEntry("runAsNonRoot", true).containsEntry("runAsUser", 10001);
                List<Map<String, Object>> containers = new ArrayList<>(list(pod.get("containers")));
                containers.addAll(list(pod.get("initContainers")));
                assertThat(containers).as("%s containers", name).isNotEmpty();
                for (Map<String, Object> c : containers) {
                    String where = name + "/" + c.get("name");
                    Map<String, Object> sc = map(c, "securityContext");
                    assertThat(sc).as("%s container securityContext", where)
                            .containsEntry("runAsNonRoot", true)
                            .containsEntry("readOnlyRootFilesystem", true)
                            .containsEntry("allowPrivilegeEscalation", false);
                    assertThat(strings(map(sc, "capabilities").get("drop"))).as("%s drops all capabilities", where).contains("ALL");
                    Map<String, Object> resources = map(c, "resources");
                    for (String kind : List.of("requests", "limits")) {
                        assertThat(map(resources, kind)).as("%s resources.%s", where, kind).containsKeys("cpu", "memory");
                    }
                    assertThat(list(c.get("volumeMounts"))).as("%s mounts a writable /tmp (read-only root file system)", where)
                            .anySatisfy(m -> assertThat(m.get("mountPath")).isEqualTo("/tmp"));
                }
                assertThat(list(pod.get("volumes"))).as("%s: /tmp is an emptyDir", name)
                        .anySatisfy(v -> assertThat(v).containsKey("emptyDir"));
            }
            assertProbes(gateway, 8080);
            assertProbes(relay, 8081);
        }
    }

    @Test
    void gatewayScalesAndDrainsGracefully() {
        List<Map<String, Object>> docs = render(DEFAULTS);
        Map<String, Object> gateway = deployment(docs, "gateway");
        Map<String, Object> hpa = single(docs, "HorizontalPodAutoscaler", "gateway");
        assertThat(hpa.get("apiVersion")).as("HPA apiVersion").isEqualTo("autoscaling/v2");
        Map<String, Object> hpaSpec = map(hpa, "spec");
        assertThat(map(hpaSpec, "scaleTargetRef")).as("HPA target").containsEntry("kind", "Deployment").containsEntry("name", name(gateway));
        assertThat(hpaSpec.get("minReplicas")).as("HPA minReplicas (default 2)").isEqualTo(2);
        assertThat((Integer) hpaSpec.get("maxReplicas")).as("HPA maxReplicas").isGreaterThanOrEqualTo(2);
        assertThat(list(hpaSpec.get("metrics"))).as("HPA scales on CPU utilisation").anySatisfy(m -> {
            assertThat(map(m, "resource").get("name")).isEqualTo("cpu");
            assertThat(map(map(m, "resource"), "target")).containsEntry("type", "Utilization").containsKey("averageUtilization");
        });
        assertThat(map(gateway, "spec")).as("with an HPA the Deployment leaves replicas to it").doesNotContainKey("replicas");

        Map<String, Object> fixed = deployment(render(EVERYTHING), "gateway");
        assertThat(map(fixed, "spec").get("replicas")).as("gateway replicas with autoscaling disabled").isEqualTo(3);
        assertThat(ofKind(render(EVERYTHING), "HorizontalPodAutoscaler")).as("no HPA when autoscaling is disabled").isEmpty();

        Map<String, Object> pdb = single(docs, "PodDisruptionBudget", "gateway");
        assertThat(pdb.get("apiVersion")).as("PDB apiVersion").isEqualTo("policy/v1");
        assertThat(map(map(pdb, "spec"), "selector", "matchLabels")).as("gateway PDB selects the gateway pods")
                .isEqualTo(map(gateway, "spec", "selector", "matchLabels"));
        assertThat(map(pdb, "spec")).as("gateway PDB bounds disruptions").containsAnyOf(
                Map.entry("maxUnavailable", 1), Map.entry("minAvailable", 1));

        Map<String, Object> pod = map(map(gateway, "spec", "template"), "spec");
        Map<String, Object> container = list(pod.get("containers")).get(0);
        List<String> preStop = strings(map(container, "lifecycle", "preStop", "exec").get("command"));
        assertThat(preStop).as("gateway preStop sleeps so the Service stops routing before SIGTERM").isNotEmpty();
        assertThat(preStop.get(0)).as("gateway preStop command").contains("sleep");
        int sleep = Integer.parseInt(preStop.get(preStop.size() - 1));
        assertThat(sleep).as("preStop sleep seconds").isBetween(1, 15);
        assertThat((Integer) pod.get("terminationGracePeriodSeconds"))
                .as("grace period covers preStop and the gateway's 10 s shutdown").isGreaterThanOrEqualTo(sleep + 10);

        Map<String, Object> service = single(docs, "Service", "gateway");
        assertThat(map(service, "spec", "selector")).as("gateway Service selects the gateway pods")
                .isEqualTo(map(gateway, "spec", "selector", "matchLabels"));
        assertThat(list(map(service, "spec").get("ports"))).as("gateway Service targets the http port")
                .anySatisfy(p -> assertThat(p.get("targetPort")).isIn("http", 8080));
    }

    @Test
    void twoRelaysWithTheLeaseSettings() {
        List<Map<String, Object>> docs = render(DEFAULTS);
        Map<String, Object> relay = deployment(docs, "relay");
        assertThat(map(relay, "spec").get("replicas")).as("relay replicas (one leader, one standby)").isEqualTo(2);
        Map<String, String> env = environment(docs, relay);
        assertThat(env).as("relay environment (ConfigMap and env)")
                .containsKeys("RELAY_LEASE_TTL", "RELAY_LEASE_RENEW_INTERVAL", "RELAY_SLOT", "RELAY_PUBLICATION", "REDIS_URL",
                        "REALTIME_KEY_PREFIX", "PGHOST", "PGPORT", "PGDATABASE", "PGUSER");
        Duration ttl = duration(env.get("RELAY_LEASE_TTL"));
        Duration renew = duration(env.get("RELAY_LEASE_RENEW_INTERVAL"));
        assertThat(renew).as("the lease is renewed before it expires").isLessThan(ttl);
        Map<String, Object> container = list(map(map(relay, "spec", "template"), "spec").get("containers")).get(0);
        assertThat(secretRef(container, "PGPASSWORD")).as("relay PGPASSWORD comes from the Secret").isNotNull();
        assertThat(map(relay, "spec", "selector", "matchLabels")).as("relay and gateway pods are told apart")
                .isNotEqualTo(map(deployment(docs, "gateway"), "spec", "selector", "matchLabels"));
        Map<String, Object> service = single(docs, "Service", "relay");
        assertThat(map(service, "spec", "selector")).as("relay Service (metrics) selects the relay pods")
                .isEqualTo(map(relay, "spec", "selector", "matchLabels"));
    }

    @Test
    void secretsStayInTheSecret() {
        List<Map<String, Object>> docs = render(EVERYTHING);
        Map<String, Object> secret = single(docs, "Secret", null);
        Map<String, String> data = secretData(secret);
        assertThat(data).as("Secret data").containsEntry("JWT_SECRET", JWT).containsEntry("PGPASSWORD", DB_PASSWORD);
        Map<String, Object> gatewayContainer = list(map(map(deployment(docs, "gateway"), "spec", "template"), "spec")
                .get("containers")).get(0);
        assertThat(secretRef(gatewayContainer, "JWT_SECRET")).as("gateway JWT_SECRET from the chart's Secret")
                .containsEntry("name", name(secret)).containsEntry("key", "JWT_SECRET");

        for (Map<String, Object> values : List.of(DEFAULTS, EVERYTHING, EXISTING_SECRET)) {
            for (Map<String, Object> configMap : ofKind(render(values), "ConfigMap")) {
                Map<String, Object> cmData = map(configMap, "data");
                for (var e : cmData.entrySet()) {
                    String value = String.valueOf(e.getValue());
                    assertThat(e.getKey()).as("ConfigMap %s key looks like a secret", name(configMap)).doesNotMatch(SECRET_LOOKING);
                    assertThat(value).as("ConfigMap %s: %s holds a secret value", name(configMap), e.getKey())
                            .doesNotContain(JWT).doesNotContain(DB_PASSWORD).doesNotContain(REDIS_PASSWORD)
                            .doesNotContainPattern("://[^/@\\s]*:[^@\\s]+@");
                }
            }
        }
        // The given secret values appear in the Secret only (base64), nowhere in plain text.
        String plain = new Yaml().dumpAll(render(EVERYTHING).stream().filter(d -> !"Secret".equals(d.get("kind"))).iterator());
        assertThat(plain).as("rendered objects other than the Secret").doesNotContain(JWT, DB_PASSWORD, REDIS_PASSWORD);

        List<Map<String, Object>> existing = render(EXISTING_SECRET);
        assertThat(ofKind(existing, "Secret")).as("no Secret is created when secrets.existingSecret is set").isEmpty();
        Map<String, Object> gw = list(map(map(deployment(existing, "gateway"), "spec", "template"), "spec").get("containers")).get(0);
        assertThat(secretRef(gw, "JWT_SECRET")).as("JWT_SECRET from the existing Secret").containsEntry("name", "pgrt-credentials");
        Map<String, Object> rl = list(map(map(deployment(existing, "relay"), "spec", "template"), "spec").get("containers")).get(0);
        assertThat(secretRef(rl, "PGPASSWORD")).as("PGPASSWORD from the existing Secret").containsEntry("name", "pgrt-credentials");
    }

    @Test
    void serviceMonitorOnlyWhenEnabled() {
        assertThat(ofKind(render(DEFAULTS), "ServiceMonitor")).as("ServiceMonitor is off by default").isEmpty();
        List<Map<String, Object>> docs = render(EVERYTHING);
        Map<String, Object> monitor = single(docs, "ServiceMonitor", null);
        assertThat(monitor.get("apiVersion")).isEqualTo("monitoring.coreos.com/v1");
        List<Map<String, Object>> endpoints = list(map(monitor, "spec").get("endpoints"));
        assertThat(endpoints).as("ServiceMonitor endpoints scrape /prometheus")
                .isNotEmpty().allSatisfy(e -> assertThat(e.get("path")).isEqualTo("/prometheus"));
        Map<String, Object> selector = map(monitor, "spec", "selector");
        for (String component : List.of("gateway", "relay")) {
            Map<String, Object> service = single(docs, "Service", component);
            Map<String, Object> labels = map(service, "metadata", "labels");
            assertThat(labels).as("ServiceMonitor selects the %s Service", component).containsAllEntriesOf(map(selector, "matchLabels"));
            for (Map<String, Object> expr : list(selector.get("matchExpressions"))) {
                assertThat(strings(expr.get("values")))
                        .as("ServiceMonitor expression %s matches the %s Service", expr, component)
                        .contains(String.valueOf(labels.get(expr.get("key"))));
            }
            List<Object> portNames = list(map(service, "spec").get("ports")).stream().map(p -> p.get("name")).toList();
            assertThat(portNames).as("%s Service exposes the port the ServiceMonitor scrapes", component)
                    .containsAll(endpoints.stream().map(e -> e.get("port")).toList());
        }
    }

    @Test
    void ingressOnlyWhenEnabledWithStickySessions() {
        assertThat(ofKind(render(DEFAULTS), "Ingress")).as("Ingress is off by default").isEmpty();
        List<Map<String, Object>> docs = render(EVERYTHING);
        Map<String, Object> ingress = single(docs, "Ingress", "gateway");
        Map<String, Object> annotations = map(ingress, "metadata", "annotations");
        assertThat(annotations).as("Ingress needs sticky sessions for Socket.IO long-polling (cookie affinity)")
                .anySatisfy((k, v) -> {
                    assertThat(k).containsIgnoringCase("affinity");
                    assertThat(String.valueOf(v)).isEqualTo("cookie");
                });
        assertThat(annotations.keySet()).as("Ingress keeps idle WebSockets open (read timeout)").anyMatch(k -> k.contains("read-timeout"));
        Map<String, Object> gatewayService = single(docs, "Service", "gateway");
        List<Map<String, Object>> rules = list(map(ingress, "spec").get("rules"));
        assertThat(rules).as("Ingress rules").isNotEmpty();
        for (Map<String, Object> rule : rules) {
            for (Map<String, Object> path : list(map(rule, "http").get("paths"))) {
                assertThat(map(path, "backend", "service").get("name")).as("Ingress backend is the gateway Service")
                        .isEqualTo(name(gatewayService));
            }
        }
    }

    // ---- rendering and navigation ----

    static String template(Map<String, Object> values) {
        TemplateCommand command = new Helm(RepoFiles.path(CHART)).template().withName(RELEASE).withNamespace(NAMESPACE);
        for (var e : values.entrySet()) {
            command = command.set(e.getKey(), e.getValue());
        }
        return command.call();
    }

    static List<Map<String, Object>> render(Map<String, Object> values) {
        return RENDERED.computeIfAbsent(values, v -> {
            List<Map<String, Object>> docs = new ArrayList<>();
            for (Object doc : new Yaml().loadAll(template(v))) {
                if (doc instanceof Map<?, ?> m) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> object = (Map<String, Object>) m;
                    docs.add(object);
                }
            }
            assertThat(docs).as("rendered objects").isNotEmpty();
            return docs;
        });
    }

    static List<Map<String, Object>> ofKind(List<Map<String, Object>> docs, String kind) {
        return docs.stream().filter(d -> kind.equals(d.get("kind"))).toList();
    }

    /** The one object of a kind (and, when given, of an app.kubernetes.io/component). */
    static Map<String, Object> single(List<Map<String, Object>> docs, String kind, String component) {
        List<Map<String, Object>> found = ofKind(docs, kind).stream()
                .filter(d -> component == null || component.equals(map(d, "metadata", "labels").get("app.kubernetes.io/component")))
                .toList();
        assertThat(found).as("one %s%s rendered", kind, component == null ? "" : " of component " + component).hasSize(1);
        return found.get(0);
    }

    static Map<String, Object> deployment(List<Map<String, Object>> docs, String component) {
        Map<String, Object> d = single(docs, "Deployment", component);
        assertThat(map(map(d, "spec", "template"), "metadata", "labels")).as("%s pod labels carry the selector", component)
                .containsAllEntriesOf(map(d, "spec", "selector", "matchLabels"));
        return d;
    }

    private static void assertProbes(Map<String, Object> deployment, int port) {
        String name = name(deployment);
        Map<String, Object> c = list(map(map(deployment, "spec", "template"), "spec").get("containers")).get(0);
        assertThat(map(c, "livenessProbe", "httpGet").get("path")).as("%s liveness probe", name).isEqualTo("/health/liveness");
        assertThat(map(c, "readinessProbe", "httpGet").get("path")).as("%s readiness probe", name).isEqualTo("/health/readiness");
        List<Map<String, Object>> ports = list(c.get("ports"));
        assertThat(ports).as("%s container port", name).anySatisfy(p -> {
            assertThat(p.get("containerPort")).isEqualTo(port);
            assertThat(p.get("name")).isEqualTo(map(c, "readinessProbe", "httpGet").get("port"));
        });
    }

    /** Environment of a Deployment's first container: ConfigMap entries (envFrom) overlaid by env values. */
    private static Map<String, String> environment(List<Map<String, Object>> docs, Map<String, Object> deployment) {
        Map<String, Object> c = list(map(map(deployment, "spec", "template"), "spec").get("containers")).get(0);
        Map<String, String> env = new LinkedHashMap<>();
        for (Map<String, Object> from : list(c.get("envFrom"))) {
            if (from.get("configMapRef") instanceof Map<?, ?> ref) {
                Map<String, Object> cm = ofKind(docs, "ConfigMap").stream().filter(d -> Objects.equals(name(d), ref.get("name")))
                        .findFirst().orElseThrow(() -> new AssertionError("envFrom names a ConfigMap that is not rendered: " + ref));
                map(cm, "data").forEach((k, v) -> env.put(k, String.valueOf(v)));
            }
        }
        for (Map<String, Object> e : list(c.get("env"))) {
            env.put(String.valueOf(e.get("name")), e.containsKey("value") ? String.valueOf(e.get("value")) : "<from " + e.get("valueFrom") + ">");
        }
        return env;
    }

    private static Map<String, Object> secretRef(Map<String, Object> container, String variable) {
        for (Map<String, Object> e : list(container.get("env"))) {
            if (variable.equals(e.get("name"))) {
                return map(e, "valueFrom", "secretKeyRef");
            }
        }
        return null;
    }

    private static Map<String, String> secretData(Map<String, Object> secret) {
        Map<String, String> out = new LinkedHashMap<>();
        if (secret.get("data") instanceof Map<?, ?> data) {
            data.forEach((k, v) -> out.put(String.valueOf(k), new String(Base64.getDecoder().decode(String.valueOf(v)), StandardCharsets.UTF_8)));
        }
        if (secret.get("stringData") instanceof Map<?, ?> data) {
            data.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
        }
        return out;
    }

    private static Duration duration(String value) {
        assertThat(value).as("duration").matches("\\d+(ms|s|m)");
        if (value.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
        }
        long n = Long.parseLong(value.substring(0, value.length() - 1));
        return value.endsWith("m") ? Duration.ofMinutes(n) : Duration.ofSeconds(n);
    }

    static String name(Map<String, Object> object) {
        return String.valueOf(map(object, "metadata").get("name"));
    }

    /** Walks nested maps; fails with the path when a level is missing. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> from, String... path) {
        Map<String, Object> current = from;
        for (String key : path) {
            Object next = current.get(key);
            if (!(next instanceof Map<?, ?>)) {
                throw new AssertionError("expected a map at '" + String.join(".", path) + "' (missing '" + key + "') in " + brief(from));
            }
            current = (Map<String, Object>) next;
        }
        return current;
    }

    static List<String> strings(Object o) {
        if (!(o instanceof List<?> l)) {
            throw new AssertionError("expected a list of strings, got " + o);
        }
        return l.stream().map(String::valueOf).toList();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Object o) {
        if (o == null) {
            return List.of();
        }
        if (!(o instanceof List<?> l)) {
            throw new AssertionError("expected a list, got " + o);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object item : l) {
            if (!(item instanceof Map<?, ?> m)) {
                throw new AssertionError("expected a list of objects, got " + o);
            }
            out.add((Map<String, Object>) m);
        }
        return out;
    }

    private static String brief(Map<String, Object> object) {
        Object kind = object.get("kind");
        Object meta = object.get("metadata");
        return kind != null && meta instanceof Map<?, ?> m ? kind + " " + m.get("name") : String.valueOf(object.keySet());
    }
}
