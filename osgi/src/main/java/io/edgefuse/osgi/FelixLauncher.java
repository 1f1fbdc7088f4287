package io.edgefuse.osgi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.felix.framework.Felix;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an embedded Apache Felix framework in this JVM.
 *
 * <p>The JVM class path carries only what must exist once per process: Felix itself, TensorFlow with its
 * JNI library (JavaCPP can load it once per JVM, and an unload would need a new JVM), protobuf, and
 * SLF4J + Logback. The system bundle exports those packages ({@link ClassPathExports}); everything else
 * is a bundle that can be updated or replaced while the JVM keeps running.
 */
public final class FelixLauncher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FelixLauncher.class);

    private final LauncherConfig config;
    private final List<String> frameworkErrors = Collections.synchronizedList(new ArrayList<>());
    private Felix framework;
    private BundleDeployer deployer;

    public FelixLauncher(LauncherConfig config) {
        this.config = config;
    }

    /**
     * Starts the framework, installs and starts every bundle, then waits (up to the start timeout) until
     * every bundle is ACTIVE (fragments RESOLVED) and every DS component is up or waiting for its
     * configuration. Problems do not abort the launch: a gateway keeps running what works; callers that
     * must be strict check {@link StartReport#ok()}.
     */
    public synchronized StartReport start() throws BundleException, IOException {
        if (framework != null) throw new IllegalStateException("already started");
        Files.createDirectories(config.storageDir());
        if (config.confDir() != null) Files.createDirectories(config.confDir());
        if (config.deployDir() != null) watchDeployFolder();

        Felix felix = new Felix(frameworkProperties());
        felix.init();
        BundleContext ctx = felix.getBundleContext();
        ctx.addFrameworkListener(errorCollector());
        framework = felix;

        BundleInstaller installer = new BundleInstaller(ctx);
        List<Bundle> bundles = installer.installAll(BundleInstaller.collect(config.bundleDirs(), config.bundleJars()));
        felix.start();
        deployer = new BundleDeployer(ctx).register();
        installer.resolveAndStart(bundles);

        StartReport report = awaitSettled(installer.problems(), System.nanoTime() + config.startTimeout().toNanos());
        if (report.ok()) LOG.info("Felix started with {} bundles", bundles.size());
        else LOG.warn("Felix started with problems:\n{}", report);
        return report;
    }

    /** Name of the FileInstall factory configuration the launcher writes for the deploy folder. */
    public static final String DEPLOY_CFG = "org.apache.felix.fileinstall-deploy.cfg";

    /**
     * FileInstall takes one folder from framework properties (conf/, .cfg only); a second one, for jars,
     * is a factory configuration, which FileInstall itself reads from conf/. Rewritten at every launch.
     */
    private void watchDeployFolder() throws IOException {
        if (config.confDir() == null) throw new IllegalStateException("a deploy folder needs a conf folder (FileInstall's configuration goes there)");
        Files.createDirectories(config.deployDir());
        String cfg = "# Written by the EdgeFuse launcher at every start: FileInstall watches the deploy folder for bundle jars.\n"
                + "felix.fileinstall.dir = " + config.deployDir().toAbsolutePath() + "\n"
                + "felix.fileinstall.filter = .*\\\\.jar\n"
                + "felix.fileinstall.poll = " + config.confPoll().toMillis() + "\n"
                + "felix.fileinstall.noInitialDelay = true\n"
                + "felix.fileinstall.start.new.bundles = true\n"
                + "felix.fileinstall.log.level = 2\n";
        Path tmp = config.confDir().resolve(DEPLOY_CFG + ".tmp");
        Files.writeString(tmp, cfg);
        Files.move(tmp, config.confDir().resolve(DEPLOY_CFG), java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** The system bundle's context: install, update, look up services. */
    public synchronized BundleContext context() {
        if (framework == null) throw new IllegalStateException("not started");
        return framework.getBundleContext();
    }

    /** The current state of every bundle and component, without waiting. */
    public StartReport report() {
        return snapshot(List.of());
    }

    /** Stops every bundle and the framework; true once the framework has fully stopped within the timeout. */
    public synchronized boolean stop(Duration timeout) throws BundleException, InterruptedException {
        if (framework == null) return true;
        if (deployer != null) deployer.close();
        deployer = null;
        framework.stop();
        FrameworkEvent e = framework.waitForStop(Math.max(1, timeout.toMillis()));
        boolean stopped = e.getType() != FrameworkEvent.WAIT_TIMEDOUT;
        if (stopped) framework = null;
        return stopped;
    }

    /** {@link #stop(Duration)} with 30 s. */
    public boolean stop() throws BundleException, InterruptedException {
        return stop(Duration.ofSeconds(30));
    }

    @Override
    public void close() throws Exception {
        if (!stop()) throw new IllegalStateException("framework did not stop within 30 s");
    }

    Map<String, Object> frameworkProperties() {
        Map<String, Object> p = new HashMap<>();
        p.put(Constants.FRAMEWORK_STORAGE, config.storageDir().toAbsolutePath().toString());
        // Bundles come from the dist folders on every launch; a cache surviving a restart would shadow them.
        p.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        p.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA,
                ClassPathExports.header(ClassPathExports.find(ClassPathExports.DEFAULT_ANCHORS, getClass().getClassLoader())));
        p.put("felix.log.logger", new Slf4jFelixLogger());
        p.put("felix.log.level", "2");
        p.put("ds.loglevel", "warn");
        // Felix 7 resolves on a pool whose idle threads linger 60 s and are never shut down, so they
        // would outlive stop(). A few dozen bundles resolve fast enough on the calling thread.
        p.put("felix.resolver.parallelism", "1");
        if (config.confDir() != null) {
            p.put("felix.fileinstall.dir", config.confDir().toAbsolutePath().toString());
            p.put("felix.fileinstall.poll", Long.toString(config.confPoll().toMillis()));
            p.put("felix.fileinstall.noInitialDelay", "true");
            // Only configurations: bundles are deployed through bundles/ (and OTA), not dropped into conf/.
            p.put("felix.fileinstall.filter", ".*\\.cfg");
            p.put("felix.fileinstall.log.level", "2");
            p.put("felix.fileinstall.configEncoding", "UTF-8"); // FileInstall's default is ISO-8859-1
            // The .cfg files are the operator's: configuration changes made at run time must not be written
            // back into them (a write-back of a transient empty configuration once emptied a coordinator's file).
            p.put("felix.fileinstall.enableConfigSave", "false");
        }
        config.properties().forEach((k, v) -> {
            if (k.equals(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA)) p.merge(k, v, (a, b) -> a + "," + b);
            else p.put(k, v);
        });
        return p;
    }

    private FrameworkListener errorCollector() {
        return event -> {
            if (event.getType() != FrameworkEvent.ERROR) return;
            String who = event.getBundle() == null ? "framework" : event.getBundle().getSymbolicName();
            String why = event.getThrowable() == null ? "" : event.getThrowable().toString();
            frameworkErrors.add("framework error from " + who + ": " + why);
        };
    }

    private StartReport awaitSettled(List<String> startProblems, long deadline) {
        StartReport r = snapshot(startProblems);
        while (!r.ok() && System.nanoTime() < deadline) {
            // Bundles and SCR components come up on framework and SCR threads; a failed start never will.
            if (!startProblems.isEmpty()) break;
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            r = snapshot(startProblems);
        }
        return r;
    }

    private synchronized StartReport snapshot(List<String> startProblems) {
        List<String> problems = new ArrayList<>(startProblems);
        List<String> bundles = new ArrayList<>();
        if (framework == null) return new StartReport(List.of("framework not running"), bundles, List.of());
        BundleContext ctx = framework.getBundleContext();
        for (Bundle b : ctx.getBundles()) {
            bundles.add(BundleDiagnostics.describe(b));
            if (b.getBundleId() == 0 || BundleDiagnostics.isHealthy(b)) continue;
            List<String> missing = BundleDiagnostics.missingRequirements(b, ctx);
            problems.add(BundleDiagnostics.describe(b) + (missing.isEmpty() ? "" : " missing " + missing));
        }
        problems.addAll(frameworkErrors);
        List<String> components = new ArrayList<>();
        for (ScrComponents.Component c : ScrComponents.list(ctx)) {
            components.add(c.toString());
            if (!c.isUp() && !c.awaitsConfiguration()) problems.add("component " + c);
        }
        return new StartReport(problems, bundles, components);
    }
}
