package io.edgefuse.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgefuse.protocol.ota.ArtifactPublisher;
import io.edgefuse.protocol.ota.Manifest;
import io.edgefuse.protocol.ota.OtaReport;
import io.edgefuse.runtime.ota.OtaClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "rollback-model", mixinStandardHelpOptions = true,
        description = {"Switches the target nodes back to the model version they ran before the last push (kept loaded for this)."
                + " The retained manifest of the version rolled back from is withdrawn, so a node that reconnects does not fetch it again."
                + " The coordinator follows once every node serving the model has the same version active."
                + " Exit 0 when every target rolled back, 1 otherwise."})
final class RollbackModelCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    OtaOptions ota;

    @Option(names = "--name", required = true, description = "Model name (as in model.json).")
    String name;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        BrokerAddress b = ota.mqtt.address();
        try (OtaClient c = new OtaClient(b.host(), b.port(), ota.mqtt.topics().root())) {
            c.settle(Duration.ofMillis(300));
            List<String> targets = c.targets(ota.nodes);
            if (targets.isEmpty()) throw new IllegalArgumentException("no target node is online");
            Set<String> from = new HashSet<>();
            for (String n : targets) {
                JsonNode s = c.statuses().get(n);
                if (s == null) continue;
                for (JsonNode m : s.path("models")) if (m.path("name").asText().equals(name) && m.path("active").asBoolean(false)) from.add(m.path("version").asText());
            }
            Map<String, Manifest> retained = c.retainedManifests(Manifest.Kind.MODEL, name, Duration.ofMillis(300));
            for (String v : from) {
                Manifest m = retained.get(v);
                if (m != null) {
                    c.send(ArtifactPublisher.withdraw(c.topics(), m), null);
                    out.println("withdrew the retained manifest of " + m.describe());
                }
            }
            ObjectNode cmd = new ObjectMapper().createObjectNode();
            var arr = cmd.putArray("nodes");
            (ota.nodes.contains("all") ? List.of("all") : ota.nodes).forEach(arr::add);
            c.command(c.topics().rollback(name), cmd.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            Map<String, OtaReport> outcome = c.await(Manifest.Kind.MODEL, name, null, targets, Duration.ofSeconds(ota.timeoutSeconds), null);
            Table t = new Table("node", "state", "version", "reason");
            boolean ok = true;
            for (Map.Entry<String, OtaReport> e : outcome.entrySet()) {
                OtaReport r = e.getValue();
                ok &= r != null && r.state() == OtaReport.State.ROLLED_BACK;
                t.row(e.getKey(), r == null ? "no answer" : r.state().wire(), r == null ? "" : r.version(), r == null || r.reason() == null ? "" : r.reason());
            }
            t.print(out);
            if (!ok) {
                spec.commandLine().getErr().println("edgefuse rollback-model: not every target rolled back");
                return 1;
            }
            return 0;
        }
    }
}
