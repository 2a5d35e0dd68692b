package io.pgrealtime.system.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The meters the code registers, read from the Java sources (not from a running process), and
 * the series names Micrometer's Prometheus registry exports for them.
 *
 * <p>Read: the name literal given to {@code Counter.builder("…")} (and Gauge, Timer, FunctionCounter, …) or
 * to {@code registry.counter/gauge/timer/summary("…")}, plus, in a builder chain up to
 * {@code register(}, {@code baseUnit("…")}, {@code publishPercentiles(…)} and
 * {@code publishPercentileHistogram}. A name built from a constant or an expression is not seen.
 *
 * <p>Prometheus names (Micrometer's {@code PrometheusNamingConvention}): every character outside
 * {@code [a-zA-Z0-9_:]} becomes {@code _}; a base unit is appended ({@code _bytes}) unless the name
 * ends with it; counters end in {@code _total}; timers are in seconds and export
 * {@code _seconds_count}, {@code _seconds_sum}, {@code _seconds_max}, plus {@code _seconds} with a
 * {@code quantile} label for published percentiles and {@code _seconds_bucket} with a histogram.
 * {@code GrafanaDashboardTest} checks this rule against the real registry.
 */
final class MetricNames {
    enum Type { COUNTER, FUNCTION_COUNTER, GAUGE, TIME_GAUGE, TIMER, FUNCTION_TIMER, DISTRIBUTION_SUMMARY }

    /** One meter found in the sources. */
    record Meter(Type type, String name, String baseUnit, List<Double> percentiles, boolean histogram, String source) {
        /** The Prometheus name without suffixes such as _count: what a quantile series is called. */
        String prometheusBase() {
            String base = name.replaceAll("[^a-zA-Z0-9_:]", "_");
            String unit = switch (type) {
                case TIMER, FUNCTION_TIMER, TIME_GAUGE -> "seconds";
                default -> baseUnit;
            };
            if (unit != null && !unit.isBlank() && !base.endsWith("_" + unit)) {
                base = base + "_" + unit.replaceAll("[^a-zA-Z0-9_:]", "_");
            }
            return base;
        }

        /** Every series name the Prometheus registry exports for this meter. */
        Set<String> prometheusNames() {
            String base = prometheusBase();
            Set<String> names = new LinkedHashSet<>();
            switch (type) {
                case COUNTER, FUNCTION_COUNTER -> names.add(base + "_total");
                case GAUGE, TIME_GAUGE -> names.add(base);
                case TIMER, DISTRIBUTION_SUMMARY -> {
                    names.add(base + "_count");
                    names.add(base + "_sum");
                    names.add(base + "_max");
                    if (!percentiles.isEmpty()) {
                        names.add(base);
                    }
                    if (histogram) {
                        names.add(base + "_bucket");
                    }
                }
                case FUNCTION_TIMER -> {
                    names.add(base + "_count");
                    names.add(base + "_sum");
                }
            }
            return names;
        }

        /** The quantile label values the registry exports, formatted as Micrometer does ("0.5", "0.99"). */
        Set<String> quantiles() {
            Set<String> out = new TreeSet<>();
            percentiles.forEach(p -> out.add(Double.toString(p)));
            return out;
        }
    }

    private static final Pattern BUILDER = Pattern.compile(
            "\\b(Counter|FunctionCounter|Gauge|TimeGauge|Timer|FunctionTimer|DistributionSummary)\\s*\\.\\s*builder\\s*\\(\\s*\"([^\"]+)\"");
    private static final Pattern SHORTHAND = Pattern.compile(
            "\\.\\s*(counter|gauge|timer|summary)\\s*\\(\\s*\"([^\"]+)\"");
    private static final Pattern BASE_UNIT = Pattern.compile("\\.\\s*baseUnit\\s*\\(\\s*\"([^\"]*)\"");
    private static final Pattern PERCENTILES = Pattern.compile("\\.\\s*publishPercentiles\\s*\\(([^)]*)\\)");

    private MetricNames() {
    }

    /** The meters of every Java source file under the given directories that uses Micrometer. */
    static List<Meter> fromSources(List<Path> sourceDirs) {
        List<Meter> meters = new ArrayList<>();
        for (Path dir : sourceDirs) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                    String text = Files.readString(file);
                    if (text.contains("io.micrometer")) {
                        meters.addAll(fromSource(text, file.getFileName().toString()));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return meters;
    }

    static List<Meter> fromSource(String javaSource, String sourceName) {
        String text = javaSource.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("(?m)//.*$", "");
        List<Meter> meters = new ArrayList<>();
        Matcher m = BUILDER.matcher(text);
        while (m.find()) {
            int end = text.indexOf(".register(", m.end());
            String chain = end < 0 ? "" : text.substring(m.end(), end);
            Type type = Type.valueOf(m.group(1).replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT));
            Matcher unit = BASE_UNIT.matcher(chain);
            Matcher percentiles = PERCENTILES.matcher(chain);
            List<Double> ps = new ArrayList<>();
            if (percentiles.find()) {
                for (String p : percentiles.group(1).split(",")) {
                    if (!p.isBlank()) {
                        ps.add(Double.parseDouble(p.strip()));
                    }
                }
            }
            meters.add(new Meter(type, m.group(2), unit.find() ? unit.group(1) : null, List.copyOf(ps),
                    chain.contains("publishPercentileHistogram"), sourceName));
        }
        Matcher s = SHORTHAND.matcher(text);
        while (s.find()) {
            Type type = switch (s.group(1)) {
                case "counter" -> Type.COUNTER;
                case "gauge" -> Type.GAUGE;
                case "timer" -> Type.TIMER;
                default -> Type.DISTRIBUTION_SUMMARY;
            };
            meters.add(new Meter(type, s.group(2), null, List.of(), false, sourceName));
        }
        return meters;
    }
}
