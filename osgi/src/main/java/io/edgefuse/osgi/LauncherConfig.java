package io.edgefuse.osgi;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@link FelixLauncher} starts: where the framework keeps its cache, which bundle folders and jars
 * to install, which folder FileInstall watches for {@code <pid>.cfg} files, and extra framework properties.
 */
public final class LauncherConfig {
    private final Path storageDir;
    private final List<Path> bundleDirs = new ArrayList<>();
    private final List<Path> bundleJars = new ArrayList<>();
    private Path confDir;
    private Path deployDir;
    private Duration confPoll = Duration.ofSeconds(2);
    private Duration startTimeout = Duration.ofSeconds(30);
    private final Map<String, String> properties = new LinkedHashMap<>();

    private LauncherConfig(Path storageDir) {
        this.storageDir = storageDir;
    }

    /** The framework cache lives here; it is wiped on every launch (bundles come from the folders). */
    public static LauncherConfig storage(Path storageDir) {
        return new LauncherConfig(storageDir);
    }

    /**
     * The standard layout of a distribution folder: {@code bundles/} (always), {@code interactive/}
     * (the Gogo shell, only when {@code interactive}), {@code conf/} (FileInstall), cache in {@code cache/}.
     */
    public static LauncherConfig distribution(Path dist, boolean interactive) {
        LauncherConfig c = storage(dist.resolve("cache")).bundleDir(dist.resolve("bundles")).confDir(dist.resolve("conf"));
        if (interactive) c.bundleDir(dist.resolve("interactive"));
        return c;
    }

    /** Installs every {@code *.jar} in this folder. */
    public LauncherConfig bundleDir(Path dir) {
        bundleDirs.add(dir);
        return this;
    }

    /** Installs this jar as well (e.g. a bundle under test). */
    public LauncherConfig bundleJar(Path jar) {
        bundleJars.add(jar);
        return this;
    }

    /** FileInstall turns {@code <pid>.cfg} files here into Config Admin configurations. */
    public LauncherConfig confDir(Path dir) {
        this.confDir = dir;
        return this;
    }

    /** How often FileInstall looks at the conf folder. */
    public LauncherConfig confPoll(Duration poll) {
        this.confPoll = poll;
        return this;
    }

    /** How long {@link FelixLauncher#start()} waits for bundles and components. */
    public LauncherConfig startTimeout(Duration timeout) {
        this.startTimeout = timeout;
        return this;
    }

    /** Any framework property (visible to bundles through BundleContext.getProperty). */
    public LauncherConfig property(String key, String value) {
        properties.put(key, value);
        return this;
    }

    public Path storageDir() {
        return storageDir;
    }

    public List<Path> bundleDirs() {
        return List.copyOf(bundleDirs);
    }

    public List<Path> bundleJars() {
        return List.copyOf(bundleJars);
    }

    public Path confDir() {
        return confDir;
    }

    /**
     * A folder FileInstall watches for bundle jars (the offline path: copy a jar in to install or update
     * it, delete it to uninstall). Needs a conf folder, where the launcher writes FileInstall's
     * configuration for it. Unsigned: only the operator may write there.
     */
    public LauncherConfig deployDir(Path dir) {
        this.deployDir = dir;
        return this;
    }

    public Path deployDir() {
        return deployDir;
    }

    public Duration confPoll() {
        return confPoll;
    }

    public Duration startTimeout() {
        return startTimeout;
    }

    public Map<String, String> properties() {
        return Map.copyOf(properties);
    }
}
