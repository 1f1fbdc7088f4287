package io.edgefuse.osgi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.wiring.FrameworkWiring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs or updates a bundle from a verified jar while the framework keeps running, and rolls it back
 * to the jar it had before when the new one does not resolve or start. It runs on the framework's class
 * path, not in a bundle: updating the bundle that asked for the deployment (the edge node updating
 * itself, or a bundle it imports) stops and refreshes that bundle, and code from a refreshed bundle's
 * class loader cannot be trusted to finish the job.
 *
 * <p>Bundles find it as a service of a JDK type, so no package has to be shared between the class path
 * and the bundles: {@code BiConsumer<Path, Path>} with {@code edgefuse.service=bundle-deployer}. It takes
 * the jar and a file to write the outcome to, and returns at once; the outcome file (JSON {@code {name,
 * version, state: active|rolled-back|rejected, reason}}) appears when the deployment is over, for
 * whichever node instance is running by then to report.
 */
public final class BundleDeployer implements BiConsumer<Path, Path>, AutoCloseable {
    public static final String SERVICE_PROPERTY = "edgefuse.service", SERVICE_VALUE = "bundle-deployer";
    public static final String FILTER = "(" + SERVICE_PROPERTY + "=" + SERVICE_VALUE + ")";
    private static final Logger LOG = LoggerFactory.getLogger(BundleDeployer.class);
    private static final long ACTIVE_TIMEOUT_MS = 15_000;

    private final BundleContext ctx;
    private final ExecutorService thread;
    /** The jar each bundle runs now, by symbolic name, for rollbacks (a bundle's location is where it was first installed from). */
    private final Map<String, Path> current = new ConcurrentHashMap<>();
    private ServiceRegistration<?> registration;

    public BundleDeployer(BundleContext systemContext) {
        this.ctx = systemContext;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "edgefuse-bundle-deployer");
            t.setDaemon(true);
            return t;
        });
    }

    public BundleDeployer register() {
        Dictionary<String, Object> p = new Hashtable<>();
        p.put(SERVICE_PROPERTY, SERVICE_VALUE);
        registration = ctx.registerService(BiConsumer.class.getName(), this, p);
        return this;
    }

    @Override
    public void accept(Path jar, Path outcome) {
        thread.execute(() -> {
            String[] result;
            try {
                result = deploy(jar);
            } catch (Throwable e) {
                LOG.error("deploying {} failed", jar, e);
                result = new String[] {"?", "?", "rejected", e.toString()};
            }
            write(outcome, result);
        });
    }

    /** Returns {name, version, state, reason}. */
    String[] deploy(Path jar) throws IOException {
        Manifest mf;
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            mf = in.getManifest();
        }
        String bsn = mf == null ? null : mf.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
        String version = mf == null ? null : mf.getMainAttributes().getValue(Constants.BUNDLE_VERSION);
        if (bsn == null) return new String[] {"?", "?", "rejected", jar + " is not an OSGi bundle (no Bundle-SymbolicName)"};
        bsn = bsn.split(";")[0].trim();
        version = version == null ? "0.0.0" : version.trim();
        Bundle existing = find(bsn);
        if (existing == null) {
            Bundle b;
            try {
                b = ctx.installBundle(jar.toUri().toString());
                b.start();
            } catch (BundleException e) {
                Bundle partial = find(bsn);
                if (partial != null) uninstallQuietly(partial);
                return new String[] {bsn, version, "rejected", "new bundle does not install or start: " + e.getMessage()};
            }
            current.put(bsn, jar);
            LOG.info("installed {} {}", bsn, version);
            return new String[] {bsn, version, "active", "installed"};
        }
        Path previous = current.computeIfAbsent(bsn, k -> jarOf(existing));
        if (previous == null) {
            return new String[] {bsn, version, "rejected", "cannot keep the jar " + bsn + " runs now (location " + existing.getLocation() + "), so it could not be rolled back; not updated"};
        }
        String before = existing.getVersion().toString();
        LOG.info("updating {} {} -> {}", bsn, before, version);
        String failure = updateAndStart(existing, jar);
        if (failure == null) {
            current.put(bsn, jar);
            return new String[] {bsn, version, "active", "updated from " + before};
        }
        LOG.warn("{} {} failed ({}); rolling back to {}", bsn, version, failure, before);
        String again = updateAndStart(existing, previous);
        if (again != null) return new String[] {bsn, version, "rejected", failure + "; rolling back to " + before + " failed too: " + again};
        return new String[] {bsn, version, "rolled-back", failure + " (back on " + before + ")"};
    }

    /** Updates, refreshes (importers are rewired and restarted), and waits until the bundle is ACTIVE; null on success, else why not. */
    private String updateAndStart(Bundle b, Path jar) {
        try (InputStream in = Files.newInputStream(jar)) {
            b.update(in);
        } catch (BundleException | IOException e) {
            return "update failed: " + e.getMessage();
        }
        refresh(b);
        long deadline = System.currentTimeMillis() + ACTIVE_TIMEOUT_MS;
        while (b.getState() != Bundle.ACTIVE && System.currentTimeMillis() < deadline) {
            if (b.getState() == Bundle.INSTALLED || b.getState() == Bundle.RESOLVED) {
                try {
                    b.start();
                } catch (BundleException e) {
                    return "does not resolve or start: " + e.getMessage();
                }
            }
            sleep(50);
        }
        return b.getState() == Bundle.ACTIVE ? null : "not active " + ACTIVE_TIMEOUT_MS + " ms after the update (state " + b.getState() + ")";
    }

    private void refresh(Bundle b) {
        CountDownLatch done = new CountDownLatch(1);
        ctx.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(java.util.List.of(b), e -> {
            if (e.getType() == FrameworkEvent.PACKAGES_REFRESHED || e.getType() == FrameworkEvent.ERROR) done.countDown();
        });
        try {
            if (!done.await(60, TimeUnit.SECONDS)) LOG.warn("refresh of {} did not finish within 60 s", b.getSymbolicName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Bundle find(String bsn) {
        for (Bundle b : ctx.getBundles()) if (bsn.equals(b.getSymbolicName())) return b;
        return null;
    }

    /** A copy of the jar a bundle was installed from, when its location is a file. */
    private static Path jarOf(Bundle b) {
        String loc = b.getLocation();
        if (loc.startsWith("reference:")) loc = loc.substring("reference:".length());
        try {
            Path p = Path.of(java.net.URI.create(loc));
            if (!Files.isRegularFile(p)) return null;
            Path copy = Files.createTempFile("edgefuse-previous-" + b.getSymbolicName() + "-", ".jar");
            copy.toFile().deleteOnExit();
            Files.copy(p, copy, StandardCopyOption.REPLACE_EXISTING);
            return copy;
        } catch (RuntimeException | IOException e) {
            return null;
        }
    }

    private static void uninstallQuietly(Bundle b) {
        try {
            b.uninstall();
        } catch (BundleException e) {
            LOG.warn("could not uninstall {}: {}", b.getSymbolicName(), e.getMessage());
        }
    }

    private static void write(Path outcome, String[] r) {
        String json = "{\"name\":" + quote(r[0]) + ",\"version\":" + quote(r[1]) + ",\"state\":" + quote(r[2]) + ",\"reason\":" + quote(r[3]) + "}";
        try {
            Files.createDirectories(outcome.getParent());
            Path tmp = Files.createTempFile(outcome.getParent(), ".outcome", ".tmp");
            Files.writeString(tmp, json, StandardCharsets.UTF_8);
            Files.move(tmp, outcome, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            LOG.error("cannot write the deployment outcome {} to {}: {}", json, outcome, e.toString());
        }
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : (s == null ? "" : s).toCharArray()) {
            if (c == '"' || c == '\\') sb.append('\\').append(c);
            else if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
            else sb.append(c);
        }
        return sb.append('"').toString();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework stopped first
            }
        }
        thread.shutdownNow();
    }
}
