package io.edgefuse.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class BundleInstallerTest {

    @Test
    void apiThenConfigAdminThenFelixServicesThenLibrariesThenOurBundles() {
        List<String> shuffled = List.of("edgefuse-engine-tf", "io.netty.common", "org.apache.felix.scr",
                "org.osgi.util.promise", "org.apache.felix.configadmin", "io.edgefuse.vertx", "org.apache.felix.fileinstall");
        List<String> ordered = shuffled.stream()
                .sorted(Comparator.comparingInt((String bsn) -> BundleInstaller.rank(bsn)).thenComparing(Comparator.naturalOrder()))
                .toList();
        assertEquals(List.of("org.osgi.util.promise", "org.apache.felix.configadmin", "org.apache.felix.fileinstall",
                "org.apache.felix.scr", "io.edgefuse.vertx", "io.netty.common", "edgefuse-engine-tf"), ordered);
    }
}
