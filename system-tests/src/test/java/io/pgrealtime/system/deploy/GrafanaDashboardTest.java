package io.pgrealtime.system.deploy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code deploy/grafana/pgrealtime-dashboard.json} against the code: every panel queries
 * Prometheus through the dashboard's datasource variable, every metric a query names is one the
 * relay or the gateway exports (names derived from the Micrometer meters in the Java sources of
 * wal-relay and gateway, RelayMetrics and GatewayMetrics among them), a {@code quantile} label is
 * one the meter publishes, and every meter the code defines is charted (or listed in
 * {@link #NOT_CHARTED} on purpose). Renaming a meter without the dashboard, or the dashboard
 * without the code, fails here.
 */
class GrafanaDashboardTest {
    static final String DASHBOARD = "deploy/grafana/pgrealtime-dashboard.json";
    /** Micrometer names deliberately left off the dashboard (none today). */
    static final Set<String> NOT_CHARTED = Set.of();
    /** What operations asks the dashboard to show (architecture.md, Operations). */
    static final List<String> REQUIRED = List.of("gateway.deliveries", "gateway.delivery.latency", "gateway.connections",
            "gateway.subscriptions", "gateway.slow.consumers", "gateway.stream.lag.ms", "relay.slot.lag.bytes", "relay.leader",
            "relay.events.published");

    static List<MetricNames.Meter> meters() {
        List<MetricNames.Meter> meters = MetricNames.fromSources(List.of(
                RepoFiles.path("wal-relay/src/main/java"), RepoFiles.path("gateway/src/main/java")));
        for (String source : List.of("RelayMetrics.java", "GatewayMetrics.java")) {
            assertThat(meters).as("meters read from %s (a name given as a string literal to a Micrometer builder)", source)
                    .anyMatch(m -> m.source().equals(source));
        }
        return meters;
    }

    @Test
    void everyQueryNamesAMetricTheCodeExports() {
        List<MetricNames.Meter> meters = meters();
        Map<String, MetricNames.Meter> byPrometheusName = new LinkedHashMap<>();
        meters.forEach(m -> m.prometheusNames().forEach(n -> byPrometheusName.put(n, m)));

        Map<String, Object> dashboard = load();
        assertThat(dashboard.get("title")).as("dashboard title").isNotNull();
        List<Map<String, Object>> panels = panels(dashboard);
        assertThat(panels).as("%s has panels", DASHBOARD).isNotEmpty();

        Set<String> charted = new TreeSet<>();
        for (Map<String, Object> panel : panels) {
            String title = String.valueOf(panel.get("title"));
            List<Map<String, Object>> targets = maps(panel.get("targets"));
            assertThat(targets).as("panel '%s' needs a PromQL target", title).isNotEmpty();
            assertThat(datasourceUid(panel.get("datasource"))).as("panel '%s' must query the ${datasource} variable", title)
                    .isEqualTo("${datasource}");
            for (Map<String, Object> target : targets) {
                String expr = String.valueOf(target.getOrDefault("expr", "")).strip();
                assertThat(expr).as("panel '%s': every target needs a PromQL expr", title).isNotEmpty();
                List<PromQl.Selector> selectors = PromQl.selectors(expr);
                assertThat(selectors).as("panel '%s': '%s' selects no metric", title, expr).isNotEmpty();
                for (PromQl.Selector selector : selectors) {
                    MetricNames.Meter meter = byPrometheusName.get(selector.metric());
                    assertThat(meter).as("panel '%s' queries %s, which neither the relay nor the gateway exports; exported: %s",
                            title, selector.metric(), new TreeSet<>(byPrometheusName.keySet())).isNotNull();
                    String quantile = selector.equalMatchers().get("quantile");
                    if (quantile != null) {
                        assertThat(selector.metric()).as("panel '%s': quantile series is %s", title, meter.prometheusBase())
                                .isEqualTo(meter.prometheusBase());
                        assertThat(meter.quantiles()).as("panel '%s': %s publishes only these percentiles (publishPercentiles)",
                                title, meter.name()).contains(quantile);
                    }
                    charted.add(meter.name());
                }
            }
        }

        assertThat(charted).as("the dashboard must chart what operations needs").containsAll(REQUIRED);
        Set<String> uncharted = new TreeSet<>();
        meters.stream().map(MetricNames.Meter::name).filter(n -> !charted.contains(n) && !NOT_CHARTED.contains(n)).forEach(uncharted::add);
        assertThat(uncharted).as("meters defined in the code but on no panel of %s: add a panel or list them in "
                + "GrafanaDashboardTest.NOT_CHARTED", DASHBOARD).isEmpty();
    }

    @Test
    void dashboardHasAPrometheusDatasourceVariable() {
        Map<String, Object> dashboard = load();
        Object templating = dashboard.get("templating");
        List<Map<String, Object>> variables = templating instanceof Map<?, ?> t ? maps(t.get("list")) : List.of();
        assertThat(variables).as("%s: templating.list needs a variable 'datasource' of type datasource, query prometheus", DASHBOARD)
                .anySatisfy(v -> {
                    assertThat(v.get("name")).isEqualTo("datasource");
                    assertThat(v.get("type")).isEqualTo("datasource");
                    assertThat(v.get("query")).isEqualTo("prometheus");
                });
        assertThat(dashboard.get("uid")).as("a fixed uid, so that links and provisioning survive re-imports").isNotNull();
    }

    /** The naming rule of {@link MetricNames}, checked against Micrometer's real Prometheus registry. */
    @Test
    void derivedNamesAreWhatThePrometheusRegistryExports() {
        List<MetricNames.Meter> meters = meters();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        AtomicLong value = new AtomicLong(1);
        for (MetricNames.Meter m : meters) {
            double[] percentiles = m.percentiles().stream().mapToDouble(Double::doubleValue).toArray();
            switch (m.type()) {
                case COUNTER -> Counter.builder(m.name()).baseUnit(m.baseUnit()).register(registry).increment();
                case FUNCTION_COUNTER -> FunctionCounter.builder(m.name(), value, AtomicLong::get).baseUnit(m.baseUnit()).register(registry);
                case GAUGE -> Gauge.builder(m.name(), value, AtomicLong::get).baseUnit(m.baseUnit()).register(registry);
                case TIMER -> Timer.builder(m.name()).publishPercentiles(percentiles).publishPercentileHistogram(m.histogram())
                        .register(registry).record(Duration.ofMillis(3));
                case DISTRIBUTION_SUMMARY -> DistributionSummary.builder(m.name()).baseUnit(m.baseUnit())
                        .publishPercentiles(percentiles).publishPercentileHistogram(m.histogram()).register(registry).record(3);
                default -> throw new AssertionError("no registry check for meter type " + m.type() + " (" + m.name() + ")");
            }
        }
        Set<String> scraped = new LinkedHashSet<>();
        List<String> quantileSeries = new ArrayList<>();
        for (String line : registry.scrape().split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                String series = line.split("[{ ]", 2)[0];
                scraped.add(series);
                if (line.contains("quantile=")) {
                    quantileSeries.add(line.substring(0, line.indexOf('}') + 1));
                }
            }
        }
        for (MetricNames.Meter m : meters) {
            assertThat(scraped).as("Prometheus series of %s %s", m.type(), m.name()).containsAll(m.prometheusNames());
            for (String q : m.quantiles()) {
                assertThat(quantileSeries).as("quantile series of %s", m.name())
                        .contains(m.prometheusBase() + "{quantile=\"" + q + "\"}");
            }
        }
    }

    @Test
    void promQlSelectorsSkipFunctionsLabelsAndRanges() {
        assertThat(PromQl.selectors("sum by (instance) (rate(a_total{job=\"x\"}[$__rate_interval])) / ignoring (le) b_sum offset 5m"))
                .extracting(PromQl.Selector::metric).containsExactly("a_total", "b_sum");
        assertThat(PromQl.selectors("max(x and on (instance) (leader == 1))")).extracting(PromQl.Selector::metric)
                .containsExactly("x", "leader");
        assertThat(PromQl.selectors("histogram_quantile(0.99, sum without (pod) (rate(h_bucket[5m])))"))
                .extracting(PromQl.Selector::metric).containsExactly("h_bucket");
        assertThat(PromQl.selectors("t_seconds{quantile=\"0.99\", a=~\"b\"}").get(0).equalMatchers()).containsEntry("quantile", "0.99");
    }

    @Test
    void metricNamesReadBuildersFromSource() {
        List<MetricNames.Meter> meters = MetricNames.fromSource("""
                import io.micrometer.core.instrument.*;
                class X {
                    X(MeterRegistry r) {
                        Counter.builder("a.b").register(r);
                        Gauge.builder("c.size", this, x -> 1).baseUnit("bytes").register(r);
                        Timer.builder("d.latency")
                                .publishPercentiles(0.5, 0.99).register(r);
                        // Counter.builder("commented.out").register(r);
                        r.counter("e.count");
                    }
                }""", "X.java");
        assertThat(meters).extracting(MetricNames.Meter::name).containsExactly("a.b", "c.size", "d.latency", "e.count");
        assertThat(meters.get(0).prometheusNames()).containsExactly("a_b_total");
        assertThat(meters.get(1).prometheusNames()).containsExactly("c_size_bytes");
        assertThat(meters.get(2).prometheusNames()).contains("d_latency_seconds", "d_latency_seconds_count", "d_latency_seconds_sum");
        assertThat(meters.get(2).quantiles()).containsExactly("0.5", "0.99");
    }

    private static Map<String, Object> load() {
        // JSON is YAML: SnakeYAML reads the dashboard without a JSON library.
        return new Yaml().load(RepoFiles.read(DASHBOARD));
    }

    /** Panels, rows' nested panels included; rows themselves carry no query. */
    private static List<Map<String, Object>> panels(Map<String, Object> dashboard) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> p : maps(dashboard.get("panels"))) {
            if ("row".equals(p.get("type"))) {
                out.addAll(maps(p.get("panels")));
            } else {
                out.add(p);
            }
        }
        return out;
    }

    private static Object datasourceUid(Object datasource) {
        return datasource instanceof Map<?, ?> m ? m.get("uid") : datasource;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(Object o) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (o instanceof List<?> l) {
            for (Object item : l) {
                if (item instanceof Map<?, ?> m) {
                    out.add((Map<String, Object>) m);
                }
            }
        }
        return out;
    }
}
