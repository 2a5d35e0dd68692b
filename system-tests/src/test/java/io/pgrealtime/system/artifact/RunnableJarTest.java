package io.pgrealtime.system.artifact;

import io.pgrealtime.system.process.ChildProcess;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code mvn package} leaves for an operator: one runnable jar per process with its main
 * class and dependencies, and nothing that only developers and tests need (embedded servers,
 * token minting, test fixtures).
 */
class RunnableJarTest {

    @ParameterizedTest
    @CsvSource({
            "wal-relay, io.pgrealtime.relay.RelayApplication, io/pgrealtime/relay/Relay.class",
            "gateway, io.pgrealtime.gateway.GatewayApplication, io/pgrealtime/gateway/Gateway.class"})
    void runnableWithItsDependenciesAndNothingForDevelopers(String module, String mainClass, String coreClass) throws IOException {
        Path jar = ChildProcess.runnableJar(module);
        // The README's command is `java -jar <module>/target/<module>-*.jar`: the glob must name this jar alone.
        try (var files = java.nio.file.Files.newDirectoryStream(jar.getParent(), module + "-*.jar")) {
            assertThat(files).containsExactly(jar);
        }
        try (JarFile f = new JarFile(jar.toFile())) {
            assertThat(f.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo(mainClass);
            List<String> names = f.stream().map(ZipEntry::getName).toList();
            assertThat(names).contains(mainClass.replace('.', '/') + ".class", coreClass,
                    "io/pgrealtime/runtime/ProcessLauncher.class",
                    "io/micronaut/runtime/Micronaut.class",
                    "io/lettuce/core/RedisClient.class",
                    "application.yml");
            // Micronaut's bean definitions and the merged service files are what make the jar start.
            assertThat(names).anyMatch(n -> n.startsWith("META-INF/micronaut/io.micronaut.inject.BeanDefinitionReference/"));
            assertThat(names).filteredOn(n -> n.equals("logback.xml")).hasSize(1);
            assertThat(names).noneMatch(n -> n.startsWith("io/zonky/") || n.startsWith("redis/embedded/")
                    || n.startsWith("io/pgrealtime/testsupport/") || n.startsWith("io/pgrealtime/dev/")
                    || n.startsWith("org/testcontainers/") || n.startsWith("org/junit/")
                    || n.endsWith("/JwtIssuer.class") || n.equals("logback-test.xml"));
            assertThat(names).noneMatch(n -> n.matches("META-INF/[^/]+\\.(SF|DSA|RSA)"));
        }
    }
}
