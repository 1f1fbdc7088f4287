package io.edgefuse.osgi.framework;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** The distribution folder Maven assembled in the package phase (see osgi/pom.xml). */
final class Dist {
    private Dist() {}

    static Path dir() {
        String p = System.getProperty("edgefuse.dist");
        assertTrue(p != null, "system property edgefuse.dist not set: run these tests through Maven (mvn verify)");
        Path dist = Path.of(p);
        assertTrue(Files.isDirectory(dist.resolve("bundles")), "no bundles folder in " + dist + ": run mvn package first");
        return dist;
    }

    static Path bundle(String filePrefix) throws Exception {
        try (var s = Files.list(dir().resolve("bundles"))) {
            return s.filter(f -> f.getFileName().toString().startsWith(filePrefix)).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + filePrefix + "*.jar in dist/bundles"));
        }
    }
}
