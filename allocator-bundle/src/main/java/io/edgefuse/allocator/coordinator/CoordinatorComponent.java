package io.edgefuse.allocator.coordinator;

import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the MQTT coordinator for a configuration of PID {@code io.edgefuse.coordinator} (keys: see
 * {@link CoordinatorProperties}). No configuration, no coordinator: a gateway's conf folder decides
 * which gateway coordinates. A changed configuration restarts it (deactivate + activate).
 */
@Component(configurationPid = "io.edgefuse.coordinator", configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class CoordinatorComponent {
    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorComponent.class);
    private MqttCoordinator coordinator;

    @Activate
    void activate(Map<String, Object> props) {
        CoordinatorProperties p = CoordinatorProperties.fromMap(props);
        MqttCoordinator c = new MqttCoordinator(p.settings(), p.config());
        try {
            coordinator = c.start();
        } catch (RuntimeException e) {
            // A failed activation is not followed by deactivate: release the client and threads here.
            c.close();
            throw e;
        }
        LOG.info("coordinator component active (planner {}, link {}, models {})", p.planner(), p.link(), p.models());
    }

    @Deactivate
    void deactivate() {
        MqttCoordinator c = coordinator;
        coordinator = null;
        if (c != null) c.close();
    }
}
