package io.pgrealtime.system.deploy;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code docker-compose.yml}, read with SnakeYAML (anchors and merge keys resolved as Compose
 * does): the eight services, a healthcheck on each long-running one, PostgreSQL set up for logical
 * replication, only the load balancer published, start order on healthy backends, no literal
 * secret, sticky sessions in the load balancer's committed configuration, and the one-shot setup
 * of the demo table. The negative tests break a copy of the parsed file to show the checks fail.
 */
class ComposeTest {
    static final List<String> SERVICES = List.of("postgres", "redis", "relay-1", "relay-2", "gateway-1", "gateway-2", "lb", "setup");
    /** Services that run once and exit; every other service must have a healthcheck. */
    static final List<String> ONE_SHOT = List.of("setup");
    static final Pattern SECRET_KEY = Pattern.compile("(?i).*(SECRET|PASSWORD|PASSWD|TOKEN|CREDENTIAL).*");
    /** A whole value that is one Compose interpolation: ${VAR}, ${VAR:-default}, ${VAR:?message}, … */
    static final Pattern INTERPOLATION = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])(.*))?}", Pattern.DOTALL);

    static Map<String, Object> load() {
        return new Yaml().load(RepoFiles.read("docker-compose.yml"));
    }

    @Test
    void composeFileRunsTheWholeSystem() {
        check(load());
    }

    @Test
    void checksFailOnBrokenComposeFiles() {
        assertBroken(c -> service(c, "redis").remove("healthcheck"), "healthcheck");
        assertBroken(c -> service(c, "gateway-2").put("healthcheck", Map.of("disable", true)), "healthcheck");
        assertBroken(c -> service(c, "postgres").put("command", List.of("postgres")), "wal_level=logical");
        assertBroken(c -> service(c, "postgres").put("image", "postgres:16"), "postgres:17");
        assertBroken(c -> service(c, "gateway-1").put("ports", List.of("8080:8080")), "8080");
        assertBroken(c -> service(c, "lb").remove("ports"), "8080");
        assertBroken(c -> env(c, "gateway-1").put("JWT_SECRET", "0123456789abcdef0123456789abcdef"), "JWT_SECRET");
        assertBroken(c -> env(c, "gateway-1").put("JWT_SECRET", "${JWT_SECRET:-0123456789abcdef0123456789abcdef}"), "JWT_SECRET");
        assertBroken(c -> env(c, "relay-2").put("PGPASSWORD", "hunter2"), "PGPASSWORD");
        assertBroken(c -> env(c, "relay-1").put("DATABASE_URL", "postgresql://postgres:hunter2@postgres:5432/postgres"), "DATABASE_URL");
        assertBroken(c -> service(c, "relay-1").put("depends_on", List.of("postgres", "redis")), "service_healthy");
        assertBroken(c -> service(c, "setup").put("command", List.of("true")), "public.todos");
        assertBroken(c -> ((Map<?, ?>) c.get("services")).remove("relay-2"), "relay-2");
    }

    static void check(Map<String, Object> compose) {
        Map<String, Map<String, Object>> services = services(compose);
        assertThat(services).as("docker-compose.yml services").containsKeys(SERVICES.toArray(String[]::new));

        for (var e : services.entrySet()) {
            if (ONE_SHOT.contains(e.getKey())) {
                continue;
            }
            Object healthcheck = e.getValue().get("healthcheck");
            assertThat(healthcheck).as("service %s is long-running and needs a healthcheck", e.getKey()).isInstanceOf(Map.class);
            Map<?, ?> hc = (Map<?, ?>) healthcheck;
            assertThat(hc.get("disable")).as("service %s: healthcheck must not be disabled", e.getKey()).isNotEqualTo(true);
            assertThat(hc.get("test")).as("service %s: healthcheck needs a test command", e.getKey()).isNotNull()
                    .isNotEqualTo(List.of("NONE"));
        }
        assertThat(String.valueOf(services.get("setup").getOrDefault("restart", "no")))
                .as("setup runs once: restart must be \"no\"").isEqualTo("no");

        // PostgreSQL for logical replication, Redis with persistence.
        Map<String, Object> postgres = services.get("postgres");
        assertThat(String.valueOf(postgres.get("image"))).as("postgres image must be postgres:17").matches("(.*/)?postgres:17([.-].*)?");
        String pgCommand = words(postgres.get("command"));
        assertThat(pgCommand).as("postgres command must set wal_level=logical").contains("wal_level=logical");
        assertThat(setting(pgCommand, "max_replication_slots")).as("postgres command must set max_replication_slots (>= 2)")
                .isGreaterThanOrEqualTo(2);
        assertThat(setting(pgCommand, "max_wal_senders")).as("postgres command must set max_wal_senders (>= 2)")
                .isGreaterThanOrEqualTo(2);
        assertThat(String.valueOf(services.get("redis").get("image"))).as("redis image must be redis:7").matches("(.*/)?redis:7([.-].*)?");
        assertThat(words(services.get("redis").get("command"))).as("redis must persist (appendonly yes)").contains("appendonly yes");

        // Only the load balancer publishes the gateway port; relays and gateways sit behind it.
        for (var e : services.entrySet()) {
            List<Integer> published = containerPorts(e.getValue());
            if (e.getKey().equals("lb")) {
                assertThat(published).as("lb must publish port 8080").contains(8080);
            } else {
                assertThat(published).as("only lb may publish port 8080 (service %s does)", e.getKey()).doesNotContain(8080);
            }
            if (e.getKey().startsWith("relay-") || e.getKey().startsWith("gateway-")) {
                assertThat(published).as("%s must not publish ports: clients go through lb", e.getKey()).isEmpty();
            }
        }

        // Images built from this repository, started on healthy backends.
        for (String relay : List.of("relay-1", "relay-2")) {
            assertBuiltFrom(services.get(relay), relay, "wal-relay/Dockerfile");
            assertDependsOnHealthy(services.get(relay), relay, "postgres", "redis");
            Map<String, String> env = environment(services.get(relay));
            assertThat(env).as("%s environment", relay).containsKey("REDIS_URL");
            assertThat(env.containsKey("DATABASE_URL") || env.containsKey("PGHOST"))
                    .as("%s must be told the database: DATABASE_URL or PGHOST", relay).isTrue();
        }
        for (String gateway : List.of("gateway-1", "gateway-2")) {
            assertBuiltFrom(services.get(gateway), gateway, "gateway/Dockerfile");
            assertDependsOnHealthy(services.get(gateway), gateway, "redis");
            Map<String, String> env = environment(services.get(gateway));
            assertThat(env).as("%s environment", gateway).containsKeys("REDIS_URL", "JWT_SECRET");
            Matcher jwt = INTERPOLATION.matcher(env.get("JWT_SECRET"));
            assertThat(jwt.matches() && !"-".equals(jwt.group(2)) && !":-".equals(jwt.group(2)))
                    .as("%s: JWT_SECRET must come from the environment without a default, e.g. ${JWT_SECRET:?set JWT_SECRET} (got %s)",
                            gateway, env.get("JWT_SECRET")).isTrue();
        }

        // No literal secret anywhere.
        for (var e : services.entrySet()) {
            for (var v : environment(e.getValue()).entrySet()) {
                if (SECRET_KEY.matcher(v.getKey()).matches()) {
                    assertThat(INTERPOLATION.matcher(v.getValue().strip()).matches())
                            .as("service %s: %s must be an interpolation ${…}, not a literal", e.getKey(), v.getKey()).isTrue();
                }
                // user:password@ in a URL: the password must be one interpolation (masked first, since
                // ${VAR:-default} itself contains a colon).
                String masked = v.getValue().replaceAll("\\$\\{[^}]*}", "\u0001");
                Matcher credentials = Pattern.compile("://[^/:@\\s]*:([^@\\s]+)@").matcher(masked);
                while (credentials.find()) {
                    assertThat(credentials.group(1).equals("\u0001"))
                            .as("service %s: the password in %s must be an interpolation ${…}, not a literal", e.getKey(), v.getKey())
                            .isTrue();
                }
            }
        }

        checkLoadBalancer(services.get("lb"));

        Map<String, Object> setup = services.get("setup");
        assertThat(String.valueOf(setup.get("image"))).as("setup runs psql from the postgres:17 image").matches("(.*/)?postgres:17([.-].*)?");
        assertDependsOnHealthy(setup, "setup", "postgres");
        String script = (words(setup.get("entrypoint")) + " " + words(setup.get("command"))).toLowerCase();
        assertThat(script).as("setup must create the demo table public.todos")
                .contains("create table if not exists public.todos");
        assertThat(script).as("setup must enable public.todos: select realtime.enable('public.todos', replica_identity_full => true)")
                .contains("realtime.enable('public.todos'").contains("replica_identity_full => true");
        assertThat(script).as("setup must wait for the relay to create schema realtime").contains("nspname = 'realtime'");
    }

    private static void checkLoadBalancer(Map<String, Object> lb) {
        List<String> configs = new ArrayList<>();
        for (Object volume : list(lb.get("volumes"))) {
            String source = volume instanceof Map<?, ?> m ? String.valueOf(m.get("source")) : String.valueOf(volume).split(":")[0];
            if (source.startsWith("./deploy/compose/")) {
                configs.add(source.substring(2));
            }
        }
        assertThat(configs).as("lb must mount its configuration from ./deploy/compose/").isNotEmpty();
        StringBuilder config = new StringBuilder();
        for (String file : configs) {
            assertThat(Files.isRegularFile(RepoFiles.path(file))).as("lb configuration %s must be committed", file).isTrue();
            config.append(RepoFiles.read(file)).append('\n');
        }
        String text = config.toString().replaceAll("(?m)#.*$", "");
        assertThat(text).as("lb must balance over gateway-1:8080 and gateway-2:8080").contains("gateway-1:8080", "gateway-2:8080");
        assertThat(text).as("lb must keep Socket.IO long-polling sessions sticky (haproxy cookie … insert / balance source, nginx ip_hash/hash/sticky)")
                .containsPattern("(?m)^\\s*(cookie\\s+\\S+\\s+insert|balance\\s+source|ip_hash|hash\\s+\\$|sticky)");
        assertThat(text).as("lb must check the gateways' readiness").contains("/health/readiness");
        assertThat(text).as("lb must pass WebSocket upgrades and keep them open (haproxy timeout tunnel, nginx Upgrade header)")
                .containsPattern("timeout\\s+tunnel|proxy_set_header\\s+Upgrade");
    }

    private static void assertBuiltFrom(Map<String, Object> service, String name, String dockerfile) {
        assertThat(service.get("build")).as("%s must be built from %s", name, dockerfile).isInstanceOf(Map.class);
        Map<?, ?> build = (Map<?, ?>) service.get("build");
        assertThat(String.valueOf(build.get("context"))).as("%s: build context must be the repository root", name).isIn(".", "./");
        assertThat(String.valueOf(build.get("dockerfile"))).as("%s: build dockerfile", name).isEqualTo(dockerfile);
        assertThat(Files.isRegularFile(RepoFiles.path(dockerfile))).as("%s exists", dockerfile).isTrue();
    }

    private static void assertDependsOnHealthy(Map<String, Object> service, String name, String... dependencies) {
        Object dependsOn = service.get("depends_on");
        for (String dependency : dependencies) {
            Object condition = dependsOn instanceof Map<?, ?> m && m.get(dependency) instanceof Map<?, ?> d ? d.get("condition") : null;
            assertThat(condition).as("%s must depend on %s with condition: service_healthy", name, dependency)
                    .isEqualTo("service_healthy");
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> services(Map<String, Object> compose) {
        assertThat(compose).as("docker-compose.yml must have services").containsKey("services");
        return (Map<String, Map<String, Object>>) compose.get("services");
    }

    private static Map<String, Object> service(Map<String, Object> compose, String name) {
        return services(compose).get(name);
    }

    /** The environment of a service (map or list form), values as strings. */
    static Map<String, String> environment(Map<String, Object> service) {
        Map<String, String> out = new LinkedHashMap<>();
        Object env = service.get("environment");
        if (env instanceof Map<?, ?> m) {
            m.forEach((k, v) -> out.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
        } else if (env instanceof List<?> l) {
            for (Object item : l) {
                String s = String.valueOf(item);
                int eq = s.indexOf('=');
                out.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? "" : s.substring(eq + 1));
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> env(Map<String, Object> compose, String service) {
        return (Map<String, Object>) service(compose, service).get("environment");
    }

    /** Container ports a service publishes (short "host:container[/proto]" or long {target: …} syntax). */
    static List<Integer> containerPorts(Map<String, Object> service) {
        List<Integer> ports = new ArrayList<>();
        for (Object p : list(service.get("ports"))) {
            if (p instanceof Map<?, ?> m) {
                ports.add(Integer.parseInt(String.valueOf(m.get("target"))));
            } else {
                String s = String.valueOf(p).replaceAll("\\$\\{[^}]*}", "X").replaceAll("/(tcp|udp)$", "");
                String container = s.substring(s.lastIndexOf(':') + 1);
                if (container.contains("-")) {
                    String[] range = container.split("-");
                    for (int i = Integer.parseInt(range[0]); i <= Integer.parseInt(range[1]); i++) {
                        ports.add(i);
                    }
                } else {
                    ports.add(Integer.parseInt(container));
                }
            }
        }
        return ports;
    }

    private static List<?> list(Object o) {
        return o instanceof List<?> l ? l : o == null ? List.of() : List.of(o);
    }

    /** A command or entrypoint (string or list) as one string. */
    private static String words(Object command) {
        return command instanceof List<?> l ? String.join(" ", l.stream().map(String::valueOf).toList()) : String.valueOf(command);
    }

    private static int setting(String command, String name) {
        Matcher m = Pattern.compile("\\b" + name + "=(\\d+)").matcher(command);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    @SuppressWarnings("unchecked")
    private static void assertBroken(java.util.function.Consumer<Map<String, Object>> breakIt, String expectedInMessage) {
        Map<String, Object> compose = (Map<String, Object>) deepCopy(load());
        breakIt.accept(compose);
        assertThatThrownBy(() -> check(compose))
                .as("the check must reject a compose file broken around '%s'", expectedInMessage)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(expectedInMessage);
    }

    private static Object deepCopy(Object o) {
        if (o instanceof Map<?, ?> m) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            m.forEach((k, v) -> copy.put(k, deepCopy(v)));
            return copy;
        }
        if (o instanceof List<?> l) {
            return new ArrayList<>(l.stream().map(ComposeTest::deepCopy).toList());
        }
        return o;
    }
}
