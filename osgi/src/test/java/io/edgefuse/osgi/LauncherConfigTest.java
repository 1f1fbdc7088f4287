package io.edgefuse.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LauncherConfigTest {

    @Test
    void distributionLayoutLoadsTheShellOnlyWhenInteractive() {
        Path dist = Path.of("/opt/edgefuse");
        LauncherConfig daemon = LauncherConfig.distribution(dist, false);
        assertEquals(List.of(dist.resolve("bundles")), daemon.bundleDirs());
        assertEquals(dist.resolve("conf"), daemon.confDir());
        assertEquals(dist.resolve("cache"), daemon.storageDir());
        assertEquals(List.of(dist.resolve("bundles"), dist.resolve("interactive")),
                LauncherConfig.distribution(dist, true).bundleDirs());
    }

    @Test
    void frameworkPropertiesCleanTheCacheWatchConfAndMergeExtraPackages() {
        LauncherConfig c = LauncherConfig.storage(Path.of("/tmp/cache")).confDir(Path.of("/tmp/conf"))
                .confPoll(Duration.ofMillis(250))
                .property("org.osgi.framework.system.packages.extra", "com.example.extra;version=\"1.0.0\"")
                .property("custom.key", "v");
        Map<String, Object> p = new FelixLauncher(c).frameworkProperties();
        assertEquals("onFirstInit", p.get("org.osgi.framework.storage.clean"));
        assertEquals("/tmp/conf", p.get("felix.fileinstall.dir"));
        assertEquals("250", p.get("felix.fileinstall.poll"));
        assertEquals("1", p.get("felix.resolver.parallelism"));
        assertEquals("v", p.get("custom.key"));
        String extra = (String) p.get("org.osgi.framework.system.packages.extra");
        assertTrue(extra.contains("org.slf4j;version=\"2.0.16\"") && extra.endsWith(",com.example.extra;version=\"1.0.0\""), extra);
        assertInstanceOf(org.apache.felix.framework.Logger.class, p.get("felix.log.logger"));
    }
}
