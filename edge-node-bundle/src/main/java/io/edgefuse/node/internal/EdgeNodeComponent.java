package io.edgefuse.node.internal;

import io.edgefuse.node.EdgeNode;
import io.edgefuse.node.NodeConfig;
import io.edgefuse.node.NodeMain;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;

/**
 * Runs one node per configuration of PID {@code io.edgefuse.node} (keys: see {@link NodeConfig}). No
 * configuration, no node: a gateway's Felix config decides whether it is a worker. A changed
 * configuration restarts the node (deactivate + activate), which also re-probes its capacity. The node
 * reports the framework's bundles; inside `edgefuse gateway` (which offers the bundle deployer service)
 * it also installs bundles sent over the air, and reports each deployment's outcome.
 */
@Component(configurationPid = "io.edgefuse.node", configurationPolicy = ConfigurationPolicy.REQUIRE, service = Object.class, immediate = true,
        property = {"osgi.command.scope=edgefuse", "osgi.command.function=status", "osgi.command.function=models"})
public final class EdgeNodeComponent {
    private EdgeNode node;
    private ScheduledExecutorService outcomes;
    private GatewayBundles bundles;

    @Activate
    void activate(BundleContext ctx, Map<String, Object> props) {
        NodeConfig cfg = NodeConfig.fromMap(props);
        GatewayBundles bundles = new GatewayBundles(ctx, deployer(ctx), cfg.ota().staging(cfg.nodeId()));
        this.bundles = bundles;
        EdgeNode n = NodeMain.start(cfg, new EdgeNode.Host(bundles::versions, bundles.canInstall() ? bundles : null));
        node = n;
        outcomes = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "edgefuse-node-" + cfg.nodeId() + "-bundle-outcomes");
            t.setDaemon(true);
            return t;
        });
        // Outcomes of deployments that restarted this bundle (or are still running) arrive as files; the node reports them once online.
        outcomes.scheduleWithFixedDelay(() -> {
            if (n.online() && bundles.reportOutcomes(cfg.nodeId(), n::report)) n.statusChanged();
        }, 200, 500, TimeUnit.MILLISECONDS);
    }

    /** Gogo {@code edgefuse:status}: the node, its capacity and load, models, EdgeFuse bundle versions. */
    public String status() {
        EdgeNode n = node;
        if (n == null) return "no node running";
        StringBuilder sb = new StringBuilder();
        sb.append("node ").append(n.nodeId()).append(n.online() ? " online" : " offline").append(", engine ").append(n.engine())
                .append(", conv ").append(String.format("%.2f", n.capacity().gflops().getOrDefault("conv", 0.0))).append(" GFLOP/s")
                .append(", pid ").append(ProcessHandle.current().pid()).append('\n');
        sb.append(models());
        if (bundles != null) {
            bundles.versions().forEach((name, v) -> {
                if (name.startsWith("edgefuse") || name.startsWith("io.edgefuse")) sb.append("bundle ").append(name).append(' ').append(v).append('\n');
            });
        }
        return sb.toString();
    }

    /** Gogo {@code edgefuse:models}: every model version the node holds, and which is active or previous. */
    public String models() {
        EdgeNode n = node;
        if (n == null) return "no node running";
        StringBuilder sb = new StringBuilder();
        for (var r : n.models().list()) {
            String role = n.models().isActive(r) ? "active" : r.version().equals(n.models().previous(r.name()).orElse(null)) ? "previous" : "loaded";
            sb.append("model ").append(r.name()).append(' ').append(r.version()).append(' ').append(role).append('\n');
        }
        return sb.length() == 0 ? "no models\n" : sb.toString();
    }

    @SuppressWarnings("unchecked")
    private static BiConsumer<Path, Path> deployer(BundleContext ctx) {
        try {
            Collection<ServiceReference<BiConsumer>> refs = ctx.getServiceReferences(BiConsumer.class, "(edgefuse.service=bundle-deployer)");
            if (refs.isEmpty()) return null;
            return (BiConsumer<Path, Path>) ctx.getService(refs.iterator().next());
        } catch (InvalidSyntaxException | ClassCastException e) {
            return null;
        }
    }

    @Deactivate
    void deactivate() {
        if (outcomes != null) outcomes.shutdownNow();
        outcomes = null;
        EdgeNode n = node;
        node = null;
        if (n != null) n.close();
    }
}
