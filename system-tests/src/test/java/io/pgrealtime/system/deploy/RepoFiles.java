package io.pgrealtime.system.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Files of the repository the deployment tests read: the root comes from the system property
 * {@code realtime.repo.root} (set by Surefire and Failsafe in system-tests/pom.xml), else the
 * parent of the working directory when that holds the reactor's pom.xml (an IDE run).
 */
final class RepoFiles {
    private RepoFiles() {
    }

    static Path root() {
        String property = System.getProperty("realtime.repo.root");
        Path root = property != null && !property.isBlank()
                ? Paths.get(property)
                : Paths.get("").toAbsolutePath().getParent();
        root = root.toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("pom.xml")) || !Files.isDirectory(root.resolve("system-tests"))) {
            throw new IllegalStateException("repository root not found at " + root
                    + "; set -Drealtime.repo.root=<path of the repository>");
        }
        return root;
    }

    static Path path(String relative) {
        return root().resolve(relative);
    }

    /** The text of a repository file; fails the test with the path when the file is missing. */
    static String read(String relative) {
        Path file = path(relative);
        if (!Files.isRegularFile(file)) {
            throw new AssertionError("expected file " + relative + " in the repository (" + file + ")");
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
