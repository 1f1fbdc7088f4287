package io.edgefuse.osgi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * Installs bundle jars, resolves them together, then starts them in dependency-friendly order.
 *
 * <p>Everything is installed before anything is started so that the resolver sees all exporters at once:
 * an optional import (Vert.x -> jackson-databind, SCR -> Config Admin) is only wired if its exporter is
 * installed when the importer resolves, and a bundle that resolves without it keeps that wiring until it
 * is refreshed.
 */
final class BundleInstaller {
    private final BundleContext ctx;
    private final List<String> problems = new ArrayList<>();

    BundleInstaller(BundleContext ctx) {
        this.ctx = ctx;
    }

    /** Every {@code *.jar} directly in the folders, then the extra jars; sorted for a reproducible order. */
    static List<Path> collect(List<Path> dirs, List<Path> jars) throws IOException {
        List<Path> all = new ArrayList<>();
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) continue;
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().forEach(all::add);
            }
        }
        all.addAll(jars);
        return all;
    }

    List<Bundle> installAll(List<Path> jars) {
        List<Bundle> installed = new ArrayList<>();
        for (Path jar : jars) {
            try {
                installed.add(ctx.installBundle(jar.toUri().toString()));
            } catch (BundleException e) {
                problems.add("install " + jar.getFileName() + ": " + e.getMessage());
            }
        }
        return installed;
    }

    void resolveAndStart(List<Bundle> bundles) {
        ctx.getBundle(0).adapt(FrameworkWiring.class).resolveBundles(bundles);
        for (Bundle b : bundles.stream().sorted(START_ORDER).toList()) {
            if (BundleDiagnostics.isFragment(b)) continue; // fragments attach to their host; they cannot start
            try {
                b.start();
            } catch (BundleException | RuntimeException e) {
                problems.add("start " + BundleDiagnostics.describe(b) + ": " + e.getMessage());
            }
        }
    }

    List<String> problems() {
        return List.copyOf(problems);
    }

    /**
     * OSGi API bundles, then Config Admin (so SCR and FileInstall find it when they start), then the other
     * Felix services (SCR, FileInstall, Gogo), then libraries, then EdgeFuse's own bundles: our components
     * then come up with every extender and service they may look for already running.
     */
    static final Comparator<Bundle> START_ORDER = Comparator.<Bundle>comparingInt(BundleInstaller::rank)
            .thenComparing(b -> String.valueOf(b.getSymbolicName()));

    static int rank(Bundle b) {
        return rank(String.valueOf(b.getSymbolicName()));
    }

    static int rank(String bsn) {
        if (bsn.startsWith("org.osgi.")) return 0;
        if (bsn.equals("org.apache.felix.configadmin")) return 1;
        if (bsn.startsWith("org.apache.felix.")) return 2;
        if (bsn.startsWith("edgefuse-")) return 4; // our bundles' symbolic names are their artifactIds
        return 3;
    }
}
