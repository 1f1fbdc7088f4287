package io.edgefuse.runtime.cli;

import io.edgefuse.model.io.Directories;
import io.edgefuse.osgi.FelixLauncher;
import io.edgefuse.osgi.LauncherConfig;
import io.edgefuse.osgi.StartReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.osgi.framework.launch.Framework;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = {"Runs this gateway's OSGi framework (Apache Felix) until interrupted: installs and starts every bundle"
                + " of the distribution and turns each <pid>.cfg file in --conf into a configuration"
                + " (io.edgefuse.node.cfg runs a worker node, io.edgefuse.coordinator.cfg the coordinator)."
                + " Files added, edited or deleted while it runs take effect within 2 s. See docs/osgi.md."})
final class GatewayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--conf", required = true, description = "Folder FileInstall watches for <pid>.cfg files (created if missing).")
    Path conf;

    @Option(names = "--dist", description = "Distribution folder holding bundles/ (and interactive/). Default: the folder above the lib/ this CLI runs from.")
    Path dist;

    @Option(names = "--cache", description = "Felix's bundle cache, wiped at every launch. Default: a new temporary folder, deleted on exit.")
    Path cache;

    @Option(names = "--deploy", description = "Folder FileInstall watches for bundle jars (the offline path: copy a jar in to install or update it,"
            + " delete it to uninstall; not signed, so only the operator may write there). Default: none.")
    Path deploy;

    @Option(names = "--shell", description = "Also start the Gogo shell on this terminal (lb, scr:list, stop 0).")
    boolean shell;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        Path distDir = dist != null ? dist : defaultDist();
        Path bundles = distDir.resolve("bundles");
        if (!hasJars(bundles)) {
            err.println("edgefuse gateway: no bundles in " + bundles + " (build with mvn package, or pass --dist)");
            return 2;
        }
        boolean ownCache = cache == null;
        Path cacheDir = ownCache ? Files.createTempDirectory("edgefuse-felix-cache") : cache;
        LauncherConfig config = LauncherConfig.storage(cacheDir).bundleDir(bundles).confDir(conf);
        if (deploy != null) config.deployDir(deploy);
        if (shell) config.bundleDir(distDir.resolve("interactive"));

        FelixLauncher launcher = new FelixLauncher(config);
        Shutdown shutdown = new Shutdown(launcher, ownCache ? cacheDir : null);
        // Ctrl-C / SIGTERM: stop every bundle (a node publishes its offline status) before the JVM goes.
        Thread hook = new Thread(shutdown::run, "edgefuse-gateway-stop");
        Runtime.getRuntime().addShutdownHook(hook);

        StartReport report = launcher.start();
        out.println(report);
        out.println("gateway running: bundles from " + bundles + ", configurations from " + conf.toAbsolutePath() + " (Ctrl-C stops it)");
        out.flush();
        if (!report.ok()) err.println("edgefuse gateway: started with problems (see above); running what works");
        err.flush();

        // Returns on Ctrl-C (the hook stops the framework) or on "stop 0" from the Gogo shell.
        launcher.context().getBundle(0).adapt(Framework.class).waitForStop(0);
        boolean clean = shutdown.run();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook has run or is running; shutdown.run() above waited for it
        }
        return clean ? 0 : 1;
    }

    /** Stops the framework and removes a cache we created, once, whoever asks first (hook or main thread). */
    private static final class Shutdown {
        private final FelixLauncher launcher;
        private final Path ownCache;
        private final CountDownLatch done = new CountDownLatch(1);
        private final AtomicBoolean started = new AtomicBoolean();
        private volatile boolean clean;

        Shutdown(FelixLauncher launcher, Path ownCache) {
            this.launcher = launcher;
            this.ownCache = ownCache;
        }

        boolean run() {
            if (!started.compareAndSet(false, true)) {
                try {
                    done.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return clean;
            }
            try {
                clean = launcher.stop(Duration.ofSeconds(30));
                if (!clean) System.err.println("edgefuse gateway: framework did not stop within 30 s");
            } catch (Exception e) {
                System.err.println("edgefuse gateway: stopping the framework failed: " + e);
            } finally {
                if (ownCache != null) deleteTree(ownCache);
                done.countDown();
            }
            return clean;
        }
    }

    /** The CLI runs from {@code <dist>/lib/edgefuse-runtime.jar}; the packaged bundles sit next to lib/. */
    private static Path defaultDist() throws URISyntaxException {
        Path jar = Path.of(GatewayCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return jar.getParent().getParent();
    }

    private static boolean hasJars(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return false;
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> p.toString().endsWith(".jar"));
        }
    }

    private static void deleteTree(Path dir) {
        try {
            Directories.deleteTree(dir);
        } catch (IOException e) {
            System.err.println("edgefuse gateway: " + e.getMessage());
        }
    }
}
