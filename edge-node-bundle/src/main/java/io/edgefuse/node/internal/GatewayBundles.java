package io.edgefuse.node.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgefuse.protocol.ota.Manifest;
import io.edgefuse.protocol.ota.OtaException;
import io.edgefuse.protocol.ota.OtaInbox;
import io.edgefuse.protocol.ota.OtaReport;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.jar.JarInputStream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's view of the gateway it runs in: the bundles it reports in its status, and bundle artifacts
 * received over the air, handed (after their signature and hashes were checked) to the gateway's bundle
 * deployer. The deployer runs outside every bundle, because updating this very bundle stops this node;
 * it writes the outcome to a file in the staging folder, and whichever node instance runs then (the
 * new one after a self-update, the old one after a rollback, this one otherwise) reports it from there.
 */
public final class GatewayBundles implements OtaInbox.Installer {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayBundles.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BundleContext ctx;
    private final BiConsumer<Path, Path> deployer;
    private final Path outcomes;
    private final Path attempts;

    /** deployer null: not inside `edgefuse gateway` (bundles are reported, not installed). */
    public GatewayBundles(BundleContext ctx, BiConsumer<Path, Path> deployer, Path staging) {
        this.ctx = ctx;
        this.deployer = deployer;
        this.outcomes = staging.resolve("bundles").resolve("outcomes");
        this.attempts = staging.resolve("bundles").resolve("attempted");
    }

    public boolean canInstall() {
        return deployer != null;
    }

    /** Symbolic name -> version of every bundle in the framework. */
    public Map<String, String> versions() {
        Map<String, String> m = new LinkedHashMap<>();
        for (Bundle b : ctx.getBundles()) if (b.getSymbolicName() != null) m.put(b.getSymbolicName(), b.getVersion().toString());
        return m;
    }

    /**
     * True when the bundle runs at that version, or when exactly this jar was deployed here before
     * (whatever came of it): a bundle that was rolled back is not tried again each time the node
     * reconnects and sees its retained manifest. A fixed bundle needs a new Bundle-Version.
     */
    @Override
    public boolean installed(Manifest m) {
        try {
            Path a = attempts.resolve(m.name() + "-" + m.version());
            if (Files.isRegularFile(a) && Files.readString(a).trim().equals(m.sha256())) return true;
        } catch (IOException e) {
            // unreadable: treat as not attempted
        }
        for (Bundle b : ctx.getBundles()) {
            if (m.name().equals(b.getSymbolicName()) && m.version().equals(b.getVersion().toString()) && b.getState() == Bundle.ACTIVE) return true;
        }
        return false;
    }

    @Override
    public void install(Manifest m, Path artifact, OtaInbox.Progress progress) {
        String[] id = identity(artifact);
        if (!id[0].equals(m.name()) || !id[1].equals(m.version())) {
            throw new OtaException("the jar is bundle " + id[0] + " " + id[1] + ", the manifest says " + m.name() + " " + m.version());
        }
        Path jar = artifact.resolveSibling("bundle.jar");
        try {
            Files.copy(artifact, jar, StandardCopyOption.REPLACE_EXISTING);
            Files.createDirectories(outcomes);
            Files.createDirectories(attempts);
            Files.writeString(attempts.resolve(m.name() + "-" + m.version()), m.sha256());
        } catch (IOException e) {
            throw new OtaException("cannot stage the jar: " + e.getMessage(), e);
        }
        progress.report(OtaReport.State.STAGED, "handed to the gateway's bundle deployer");
        deployer.accept(jar, outcomes.resolve(m.name() + "-" + m.version() + ".json"));
    }

    /** {Bundle-SymbolicName, Bundle-Version} of a jar. */
    static String[] identity(Path jar) {
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            java.util.jar.Manifest mf = in.getManifest();
            String bsn = mf == null ? null : mf.getMainAttributes().getValue("Bundle-SymbolicName");
            if (bsn == null) throw new OtaException("not an OSGi bundle: the jar has no Bundle-SymbolicName");
            String v = mf.getMainAttributes().getValue("Bundle-Version");
            return new String[] {bsn.split(";")[0].trim(), v == null ? "0.0.0" : org.osgi.framework.Version.parseVersion(v.trim()).toString()};
        } catch (IOException e) {
            throw new OtaException("not a jar: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new OtaException("bad Bundle-Version: " + e.getMessage(), e);
        }
    }

    /** Reports (and removes) every deployment outcome waiting in the staging folder; true if there was one. */
    public boolean reportOutcomes(String node, Consumer<OtaReport> report) {
        if (!Files.isDirectory(outcomes)) return false;
        boolean any = false;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(outcomes, "*.json")) {
            for (Path f : ds) {
                JsonNode o;
                try {
                    o = JSON.readTree(f.toFile());
                    Files.delete(f);
                } catch (IOException e) {
                    continue; // being written, or another instance took it
                }
                OtaReport.State s = switch (o.path("state").asText()) {
                    case "active" -> OtaReport.State.ACTIVE;
                    case "rolled-back" -> OtaReport.State.ROLLED_BACK;
                    default -> OtaReport.State.REJECTED;
                };
                OtaReport r = new OtaReport(node, o.path("name").asText(), Manifest.Kind.BUNDLE, o.path("version").asText(), s, o.path("reason").asText(null), 1.0);
                LOG.info("bundle deployment: {}", r);
                report.accept(r);
                any = true;
            }
        } catch (IOException e) {
            LOG.warn("cannot read deployment outcomes in {}: {}", outcomes, e.toString());
        }
        return any;
    }
}
