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
@Component(configurationPid = "io.edgefuse.node", configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class EdgeNodeComponent {
    private EdgeNode node;
    private ScheduledExecutorService outcomes;

    @Activate
    void activate(BundleContext ctx, Map<String, Object> props) {
        NodeConfig cfg = NodeConfig.fromMap(props);
        GatewayBundles bundles = new GatewayBundles(ctx, deployer(ctx), cfg.ota().staging(cfg.nodeId()));
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
