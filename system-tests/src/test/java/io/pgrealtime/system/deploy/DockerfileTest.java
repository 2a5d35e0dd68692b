package io.pgrealtime.system.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The images of both processes, read from {@code wal-relay/Dockerfile} and {@code gateway/Dockerfile}
 * (no Docker engine needed): a Maven build stage and a JRE runtime stage, the module's runnable jar,
 * a numeric non-root user, a readiness HEALTHCHECK, the right port, an exec-form {@code java -jar}
 * entry point sized from the container's memory and receiving SIGTERM. The negative tests break a
 * copy of a real Dockerfile to show each check fails.
 */
class DockerfileTest {

    /** The two images: module directory, HTTP port and the environment variable it is read from. */
    enum Image {
        RELAY("wal-relay", 8081, "RELAY_PORT"),
        GATEWAY("gateway", 8080, "PORT");

        final String module;
        final int port;
        final String portVariable;

        Image(String module, int port, String portVariable) {
            this.module = module;
            this.port = port;
            this.portVariable = portVariable;
        }

        String file() {
            return module + "/Dockerfile";
        }

        String text() {
            return RepoFiles.read(file());
        }
    }

    @ParameterizedTest
    @EnumSource(Image.class)
    void dockerfileBuildsTheModuleIntoANonRootJreImage(Image image) {
        check(image, image.text());
    }

    @Test
    void dockerignoreKeepsBuildOutputAndLocalDataOutOfTheContext() {
        List<String> patterns = RepoFiles.read(".dockerignore").lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).map(l -> l.replaceAll("/+$", "")).toList();
        assertThat(patterns).as(".dockerignore must exclude every module's target/ directory").containsAnyOf("**/target", "*/target");
        assertThat(patterns).as(".dockerignore must exclude node_modules").containsAnyOf("**/node_modules", "node_modules");
        assertThat(patterns).as(".dockerignore must exclude the dev launcher's data/").containsAnyOf("data", "/data", "**/data");
        assertThat(patterns).as(".dockerignore must exclude .git").contains(".git");
    }

    /** The build stage runs the reactor: every module the root pom lists must be in the context. */
    @Test
    void dockerignoreKeepsEveryMavenModuleInTheContext() {
        List<String> patterns = RepoFiles.read(".dockerignore").lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#") && !l.startsWith("!"))
                .map(l -> l.replaceAll("^/+|/+$", "").replaceAll("^\\*\\*/", "")).toList();
        Matcher module = Pattern.compile("<module>\\s*([^<\\s]+)\\s*</module>").matcher(RepoFiles.read("pom.xml"));
        List<String> modules = new ArrayList<>();
        while (module.find()) {
            modules.add(module.group(1));
        }
        assertThat(modules).as("modules of the root pom.xml").isNotEmpty();
        for (String m : modules) {
            assertThat(patterns).as(".dockerignore must not exclude Maven module %s (the image build reads every module's pom)", m)
                    .doesNotContain(m, m + "/pom.xml", "*");
        }
    }

    @Test
    void parserJoinsContinuationsDropsCommentsAndReadsStages() {
        Dockerfile df = Dockerfile.parse("""
                # syntax=docker/dockerfile:1
                ARG BASE=x
                FROM maven:3.9 AS build
                RUN a \\
                # a comment inside the continuation
                    && b
                FROM --platform=linux/amd64 eclipse-temurin:17-jre
                ENV A=1 B="two words"
                COPY --from=build --chown=1:1 /out/app.jar /app/app.jar
                ENTRYPOINT ["java", "-jar", "/app/app.jar"]
                """);
        assertThat(df.globalArgs()).hasSize(1);
        assertThat(df.stages()).extracting(Dockerfile.Stage::baseImage).containsExactly("maven:3.9", "eclipse-temurin:17-jre");
        assertThat(df.stages().get(0).name()).isEqualTo("build");
        assertThat(df.stages().get(0).all("RUN")).singleElement().satisfies(r -> {
            assertThat(r.arguments()).contains("a").contains("&& b").doesNotContain("comment");
            assertThat(r.line()).isEqualTo(4);
        });
        Dockerfile.Stage last = df.finalStage();
        assertThat(last.env("B")).contains("two words");
        assertThat(last.all("COPY").get(0).flags()).containsEntry("from", "build").containsEntry("chown", "1:1");
        assertThat(last.all("COPY").get(0).body()).isEqualTo("/out/app.jar /app/app.jar");
        assertThat(last.last("ENTRYPOINT").orElseThrow().execForm()).containsExactly("java", "-jar", "/app/app.jar");
        assertThatThrownBy(() -> Dockerfile.parse("FROM a\nRUNN x\n")).hasMessageContaining("RUNN");
    }

    @Test
    void checksFailOnBrokenDockerfiles() {
        Image g = Image.GATEWAY;
        String ok = g.text();
        assertBroken(g, withoutLines(ok, "^USER "), "USER");
        assertBroken(g, ok.replaceAll("(?m)^USER .*$", "USER root"), "non-root");
        assertBroken(g, ok.replaceAll("(?m)^USER .*$", "USER 0:0"), "non-root");
        assertBroken(g, ok.replaceAll("(?m)^USER .*$", "USER pgrealtime"), "numeric");
        assertBroken(g, withoutInstruction(ok, "HEALTHCHECK"), "HEALTHCHECK");
        assertBroken(g, ok.replace("/health/readiness", "/health"), "readiness");
        assertBroken(g, ok.replaceAll("(?m)^EXPOSE .*$", "EXPOSE 9090"), "EXPOSE");
        assertBroken(g, ok.replaceAll("(?m)^ENTRYPOINT .*$", "ENTRYPOINT java -jar /app/app.jar"), "exec form");
        assertBroken(g, ok.replaceAll("(?m)^ENTRYPOINT .*$", "ENTRYPOINT [\"sh\", \"-c\", \"java -jar /app/app.jar\"]"), "java");
        assertBroken(g, ok.replace("-XX:MaxRAMPercentage=75 ", ""), "MaxRAMPercentage");
        assertBroken(g, ok.replace("FROM eclipse-temurin:17-jre", "FROM eclipse-temurin:17-jdk"), "JRE");
        assertBroken(g, ok.replace("-pl gateway ", "-pl wal-relay "), "-pl gateway");
        assertBroken(g, ok.replace("find gateway/target", "find wal-relay/target"), "gateway/target");
        assertBroken(g, withoutLines(ok, "^STOPSIGNAL "), "STOPSIGNAL");
        assertBroken(g, withoutInstruction(ok, "LABEL"), "org.opencontainers.image.title");
        String singleStage = ok.substring(ok.indexOf("FROM eclipse-temurin"));
        assertBroken(g, singleStage, "stages");
    }

    /** Every property an operator relies on; throws an AssertionError that names the missing one. */
    static void check(Image image, String text) {
        String file = image.file();
        Dockerfile df = Dockerfile.parse(text);
        List<Dockerfile.Stage> stages = df.stages();
        assertThat(stages).as("%s: needs at least two stages (a Maven build stage and a JRE runtime stage)", file)
                .hasSizeGreaterThanOrEqualTo(2);

        Dockerfile.Stage runtime = df.finalStage();
        String runtimeImage = runtime.baseImage().toLowerCase();
        assertThat(runtimeImage).as("%s: final stage must be FROM a Java 17 JRE image (got %s)", file, runtime.baseImage())
                .contains("jre").doesNotContain("jdk").contains("17");

        // The jar: copied from an earlier stage of this file, which builds it with Maven.
        List<Dockerfile.Instruction> jarCopies = runtime.all("COPY").stream()
                .filter(c -> c.flags().containsKey("from"))
                .filter(c -> Dockerfile.words(c.body()).stream().anyMatch(w -> w.endsWith(".jar")))
                .toList();
        assertThat(jarCopies).as("%s: the final stage must COPY --from=<build stage> exactly one .jar", file).hasSize(1);
        Dockerfile.Instruction copy = jarCopies.get(0);
        List<String> copyWords = Dockerfile.words(copy.body());
        String source = copyWords.get(0);
        String destination = copyWords.get(copyWords.size() - 1);
        Dockerfile.Stage build = df.stage(copy.flags().get("from")).orElseThrow(() -> new AssertionError(
                file + ": COPY --from=" + copy.flags().get("from") + " does not name a stage of this Dockerfile"));
        assertThat(build.index()).as("%s: the build stage must come before the runtime stage", file).isLessThan(runtime.index());
        assertThat(build.baseImage().toLowerCase()).as("%s: the build stage must be FROM a Maven + JDK 17 image (got %s)", file,
                build.baseImage()).contains("maven").contains("17");
        assertThat(build.all("COPY").stream().map(c -> Dockerfile.words(c.body()).get(0)))
                .as("%s: the build stage must copy the reactor (context = repository root, e.g. COPY . .)", file)
                .containsAnyOf(".", "pom.xml", "./");
        String module = image.module;
        List<Dockerfile.Instruction> mavenRuns = build.all("RUN").stream()
                .filter(r -> r.body().matches("(?s).*\\bmvn\\b.*\\bpackage\\b.*")).toList();
        assertThat(mavenRuns).as("%s: the build stage must RUN mvn … package", file).isNotEmpty();
        assertThat(mavenRuns).as("%s: mvn must build the module and what it needs: -pl %s -am", file, module)
                .anySatisfy(r -> assertThat(r.body()).containsPattern("(-pl|--projects)[ =]" + Pattern.quote(module) + "\\b")
                        .containsPattern("(-am|--also-make)\\b"));
        String jarOfModule = module + "/target/" + module + "-";
        // Either COPY --from=build /src/<module>/target/<module>-….jar, or a RUN of the build stage that
        // picks <module>/target/<module>-*.jar and puts it where the COPY takes it from.
        Pattern moduleJar = Pattern.compile("(?<![\\w-])" + Pattern.quote(module) + "-[^\\s'\"/]*\\.jar");
        boolean copiesModuleJar = source.contains(jarOfModule) || build.all("RUN").stream().anyMatch(r ->
                r.body().contains(module + "/target") && moduleJar.matcher(r.body()).find() && r.body().contains(source));
        assertThat(copiesModuleJar).as("%s: the copied jar (%s) must be %s<version>.jar, produced in the build stage", file, source,
                jarOfModule).isTrue();
        for (Image other : Image.values()) {
            if (other != image) {
                assertThat(build.text()).as("%s: the build stage must not pick up %s's jar", file, other.module)
                        .doesNotContain(other.module + "/target");
            }
        }

        // Non-root, numeric user in effect when the entry point runs.
        Dockerfile.Instruction entrypoint = runtime.last("ENTRYPOINT")
                .orElseThrow(() -> new AssertionError(file + ": the final stage has no ENTRYPOINT"));
        Dockerfile.Instruction user = runtime.all("USER").stream()
                .filter(u -> runtime.position(u) < runtime.position(entrypoint))
                .reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError(file + ": the final stage must set USER (non-root) before ENTRYPOINT"));
        assertThat(runtime.last("USER").orElseThrow()).as("%s: no USER may follow the one before ENTRYPOINT", file).isEqualTo(user);
        String uid = user.body().split(":")[0].strip();
        assertThat(uid).as("%s: USER must be non-root (got %s)", file, user.body()).isNotIn("0", "root");
        assertThat(uid).as("%s: USER must be a numeric UID, so that Kubernetes' runAsNonRoot can verify it (got %s)", file,
                user.body()).matches("[1-9][0-9]*");

        // Readiness health check on the module's port.
        Dockerfile.Instruction healthcheck = runtime.last("HEALTHCHECK")
                .orElseThrow(() -> new AssertionError(file + ": the final stage needs a HEALTHCHECK"));
        assertThat(healthcheck.body()).as("%s: HEALTHCHECK must run a command (not NONE)", file).startsWith("CMD");
        assertThat(healthcheck.body()).as("%s: HEALTHCHECK must call the readiness endpoint /health/readiness on port %d", file,
                image.port).contains("/health/readiness").contains(Integer.toString(image.port));

        List<String> exposed = runtime.all("EXPOSE").stream().flatMap(e -> Dockerfile.words(e.body()).stream())
                .map(p -> p.replaceAll("/(tcp|udp)$", "")).toList();
        assertThat(exposed).as("%s: EXPOSE %d", file, image.port).contains(Integer.toString(image.port));
        assertThat(runtime.env(image.portVariable)).as("%s: ENV %s must match the exposed port", file, image.portVariable)
                .hasValue(Integer.toString(image.port));

        // java as PID 1 (exec form), sized from the container limit.
        assertThat(entrypoint.isExecForm()).as("%s: ENTRYPOINT must be in exec form (JSON array), so that java is PID 1 and "
                + "receives SIGTERM (got %s)", file, entrypoint.arguments()).isTrue();
        List<String> argv = entrypoint.execForm();
        assertThat(argv.get(0)).as("%s: ENTRYPOINT must run java directly (got %s)", file, argv).matches("(.*/)?java");
        int jarFlag = argv.indexOf("-jar");
        assertThat(jarFlag).as("%s: ENTRYPOINT must run java -jar <jar> (got %s)", file, argv).isPositive().isLessThan(argv.size() - 1);
        String jarPath = argv.get(jarFlag + 1);
        String copied = destination.endsWith("/") ? destination + source.substring(source.lastIndexOf('/') + 1) : destination;
        assertThat(jarPath).as("%s: ENTRYPOINT must run the jar the final stage copied (%s)", file, copied).isEqualTo(copied);
        List<String> jvmFlags = new ArrayList<>(argv.subList(1, jarFlag));
        for (String variable : List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS")) {
            runtime.env(variable).ifPresent(v -> jvmFlags.addAll(Arrays.asList(v.split("\\s+"))));
        }
        assertThat(jvmFlags).as("%s: the JVM must size its heap from the container limit: -XX:MaxRAMPercentage=… in ENTRYPOINT "
                + "or in ENV JAVA_TOOL_OPTIONS/JDK_JAVA_OPTIONS (got %s)", file, jvmFlags)
                .anyMatch(f -> f.matches("-XX:MaxRAMPercentage=[0-9.]+"));
        assertThat(jvmFlags).as("%s: the JVM must exit on OutOfMemoryError (-XX:+ExitOnOutOfMemoryError)", file)
                .contains("-XX:+ExitOnOutOfMemoryError");

        Dockerfile.Instruction stopSignal = runtime.last("STOPSIGNAL")
                .orElseThrow(() -> new AssertionError(file + ": the final stage must declare STOPSIGNAL SIGTERM"));
        assertThat(stopSignal.body()).as("%s: STOPSIGNAL must be SIGTERM (the processes shut down gracefully on it)", file)
                .isIn("SIGTERM", "15", "TERM");

        Map<String, String> labels = new java.util.LinkedHashMap<>();
        runtime.all("LABEL").forEach(l -> labels.putAll(l.keyValues()));
        assertThat(labels).as("%s: the image needs OCI labels", file)
                .containsKeys("org.opencontainers.image.title", "org.opencontainers.image.version");
    }

    private static void assertBroken(Image image, String broken, String expectedInMessage) {
        assertThatThrownBy(() -> check(image, broken))
                .as("the check must reject a Dockerfile broken around '%s'", expectedInMessage)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(expectedInMessage);
    }

    private static String withoutLines(String text, String regex) {
        return text.replaceAll("(?m)" + regex + ".*$", "");
    }

    /** Removes an instruction with its continuation lines. */
    private static String withoutInstruction(String text, String keyword) {
        Matcher m = Pattern.compile("(?m)^" + keyword + "\\b(?:.*\\\\\\n)*.*$").matcher(text);
        assertThat(m.find()).as("fixture has %s", keyword).isTrue();
        return text.substring(0, m.start()) + text.substring(m.end());
    }
}
