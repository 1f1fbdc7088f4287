package io.edgefuse.node.internal;

import io.edgefuse.node.EdgeNode;
import io.edgefuse.node.NodeConfig;
import io.edgefuse.node.NodeMain;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;

/**
 * Runs one node per configuration of PID {@code io.edgefuse.node} (keys: see {@link NodeConfig}). No
 * configuration, no node: a gateway's Felix config decides whether it is a worker. A changed
 * configuration restarts the node (deactivate + activate), which also re-probes its capacity.
 */
@Component(configurationPid = "io.edgefuse.node", configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class EdgeNodeComponent {
    private EdgeNode node;

    @Activate
    void activate(Map<String, Object> props) {
        node = NodeMain.start(NodeConfig.fromMap(props));
    }

    @Deactivate
    void deactivate() {
        EdgeNode n = node;
        node = null;
        if (n != null) n.close();
    }
}
