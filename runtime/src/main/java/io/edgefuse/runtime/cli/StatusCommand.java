package io.edgefuse.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgefuse.runtime.ota.OtaClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Shows every node the broker knows: online or not, engine, capacity, load, model versions (* = active)"
                + " and bundle versions, from the nodes' retained status and their heartbeats (listens --wait ms)."})
final class StatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    BrokerOptions mqtt;

    @Option(names = "--wait", defaultValue = "1500", description = "Milliseconds to listen for statuses and heartbeats. Default: ${DEFAULT-VALUE}.")
    long waitMs;

    @Option(names = "--json", description = "One JSON document: node -> {status, heartbeat}.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        BrokerAddress b = mqtt.address();
        try (OtaClient c = new OtaClient(b.host(), b.port(), mqtt.topics().root())) {
            c.settle(Duration.ofMillis(waitMs));
            Map<String, JsonNode> st = c.statuses(), hb = c.heartbeats();
            if (json) {
                Map<String, Object> all = new LinkedHashMap<>();
                st.forEach((n, s) -> {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("status", s);
                    e.put("heartbeat", hb.get(n));
                    all.put(n, e);
                });
                Json.print(out, all);
                return 0;
            }
            if (st.isEmpty()) {
                out.println("no node has published a status on " + mqtt.root + " at " + b);
                return 0;
            }
            Table t = new Table("node", "online", "engine", "conv GFLOP/s", "load", "queue", "models (* active)", "bundles");
            st.forEach((n, s) -> {
                JsonNode h = hb.get(n);
                List<String> models = new ArrayList<>(), bundles = new ArrayList<>();
                JsonNode ms = h != null && h.has("models") ? h.path("models") : s.path("models");
                for (JsonNode m : ms) models.add(m.path("name").asText() + "@" + m.path("version").asText().substring(0, Math.min(12, m.path("version").asText().length()))
                        + (m.path("active").asBoolean(false) ? "*" : ""));
                JsonNode bs = h != null && h.has("bundles") ? h.path("bundles") : s.path("bundles");
                for (JsonNode x : bs) if (x.path("name").asText().startsWith("edgefuse")) bundles.add(x.path("name").asText() + " " + x.path("version").asText());
                t.row(n, s.path("online").asBoolean(false) ? "yes" : "no", s.path("engine").asText("?"),
                        String.format("%.2f", s.path("capacity").path("gflops").path("conv").asDouble()),
                        h == null ? "-" : String.format("%.2f", h.path("load").asDouble()), h == null ? "-" : h.path("queueDepth").asText(),
                        String.join(" ", models), bundles.isEmpty() ? "-" : String.join(", ", bundles));
            });
            t.print(out);
            return 0;
        }
    }
}
