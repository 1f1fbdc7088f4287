package io.edgefuse.osgi.framework;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgefuse.osgi.FelixLauncher;
import io.edgefuse.osgi.LauncherConfig;
import io.edgefuse.osgi.StartReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LauncherLifecycleTest {
    @TempDir
    Path work;

    @Test
    void stopLeavesNoFrameworkThreadsBehind() throws Exception {
        Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
        FelixLauncher launcher = new FelixLauncher(LauncherConfig.storage(work.resolve("cache"))
                .bundleDir(Dist.dir().resolve("bundles")).confDir(work.resolve("conf")));
        StartReport report = launcher.start();
        assertTrue(report.ok(), report.toString());
        assertFalse(newThreads(before).isEmpty(), "the framework should have started threads of its own");

        assertTrue(launcher.stop(Duration.ofSeconds(30)), "framework did not stop in time");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<String> left = newThreads(before);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            left = newThreads(before);
        }
        assertTrue(left.isEmpty(), "threads still alive after stop: " + left);
    }

    @Test
    void aBundleThatCannotResolveIsReportedWithItsMissingPackage() throws Exception {
        Path bundles = Files.createDirectories(work.resolve("bundles"));
        TestBundles.jar(bundles.resolve("broken.jar"),
                Map.of("Bundle-SymbolicName", "edgefuse-test-broken", "Bundle-Version", "1.0.0",
                        "Import-Package", "io.edgefuse.does.not.exist;version=\"[1,2)\""),
                Map.of());
        FelixLauncher launcher = new FelixLauncher(LauncherConfig.storage(work.resolve("cache")).bundleDir(bundles)
                .startTimeout(Duration.ofSeconds(2)));
        try {
            StartReport report = launcher.start();
            assertFalse(report.ok(), report.toString());
            String text = report.toString();
            assertTrue(text.contains("edgefuse-test-broken") && text.contains("io.edgefuse.does.not.exist"), text);
            assertTrue(text.contains("INSTALLED"), text);
        } finally {
            assertTrue(launcher.stop(Duration.ofSeconds(30)));
        }
    }

    private static List<String> newThreads(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !before.contains(t))
                .map(t -> t.getName() + (t.isDaemon() ? " (daemon)" : ""))
                .sorted().toList();
    }
}
