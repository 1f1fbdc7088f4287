package io.edgefuse.runtime.testbed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** The nodes' retained status messages as the broker holds them (run inside the hub namespace). */
public final class Members {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Members() {}

    /** Node id to its latest status, read for {@code waitMs} after subscribing. */
    public static Map<String, JsonNode> statuses(String host, int port, String root, long waitMs) {
        Map<String, JsonNode> m = new TreeMap<>();
        try {
            MqttClient c = new MqttClient("tcp://" + host + ":" + port, "testbed-status-" + ProcessHandle.current().pid(), new MemoryPersistence());
            MqttConnectOptions o = new MqttConnectOptions();
            o.setCleanSession(true);
            c.connect(o);
            try {
                c.subscribe(root + "/nodes/+/status", 1, (topic, msg) -> {
                    String[] parts = topic.split("/");
                    try {
                        JsonNode j = JSON.readTree(msg.getPayload());
                        synchronized (m) {
                            m.put(parts[parts.length - 2], j);
                        }
                    } catch (java.io.IOException e) {
                        // a status that is not JSON is not a node of ours
                    }
                });
                Thread.sleep(waitMs);
            } finally {
                c.disconnect();
                c.close();
            }
        } catch (MqttException e) {
            throw new TestbedException("cannot read node status from the broker at " + host + ":" + port + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (m) {
            return new TreeMap<>(m);
        }
    }
}
