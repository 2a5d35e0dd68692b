package io.pgrealtime.bench.gateway;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Hot spots of a JFR recording: the same aggregation as {@code jfr print --events
 * jdk.ExecutionSample} followed by counting top frames, done with the JDK's recording reader.
 * Prints, for Java samples ({@code jdk.ExecutionSample}) and for samples of threads in native code
 * ({@code jdk.NativeMethodSample}, i.e. mostly system calls): the top frames (self time), the
 * methods on the most stacks (total time), and the project's own frames nearest the top.
 *
 * <p>Run: {@code mvn -q -pl bench exec:java -Dexec.mainClass=io.pgrealtime.bench.gateway.JfrTop
 * -Dexec.args="/tmp/gw.jfr [topN] [threadNamePrefix]"}.
 */
public final class JfrTop {
    private JfrTop() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: JfrTop <recording.jfr> [topN] [thread name prefix]");
            System.exit(64);
        }
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        String threadPrefix = args.length > 2 ? args[2] : "";
        for (String type : List.of("jdk.ExecutionSample", "jdk.NativeMethodSample")) {
            Map<String, Integer> self = new HashMap<>();
            Map<String, Integer> total = new HashMap<>();
            Map<String, Integer> ours = new HashMap<>();
            Map<String, Integer> threads = new HashMap<>();
            int samples = 0;
            for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
                if (!e.getEventType().getName().equals(type)) {
                    continue;
                }
                String thread = e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
                if (thread == null || !thread.startsWith(threadPrefix)) {
                    continue;
                }
                RecordedStackTrace st = e.getStackTrace();
                if (st == null || st.getFrames().isEmpty()) {
                    continue;
                }
                samples++;
                threads.merge(thread.replaceAll("\\d+", "#"), 1, Integer::sum);
                List<RecordedFrame> frames = st.getFrames();
                self.merge(name(frames.get(0)), 1, Integer::sum);
                Set<String> seen = new HashSet<>();
                boolean ownFound = false;
                for (RecordedFrame f : frames) {
                    String n = name(f);
                    if (seen.add(n)) {
                        total.merge(n, 1, Integer::sum);
                    }
                    if (!ownFound && n.startsWith("io.pgrealtime.")) {
                        ours.merge(n, 1, Integer::sum);
                        ownFound = true;
                    }
                }
            }
            System.out.printf(Locale.ROOT, "%n== %s: %d samples%s%n", type, samples,
                    threadPrefix.isEmpty() ? "" : " (threads " + threadPrefix + "*)");
            print("by thread", threads, samples, top);
            print("top frames (self)", self, samples, top);
            print("on the stack (total)", total, samples, top);
            print("nearest project frame", ours, samples, top);
        }
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static void print(String title, Map<String, Integer> m, int samples, int top) {
        System.out.println("-- " + title);
        m.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
                .forEach(e -> System.out.printf(Locale.ROOT, "  %5.1f%%  %6d  %s%n", 100.0 * e.getValue() / samples,
                        e.getValue(), e.getKey()));
    }
}
