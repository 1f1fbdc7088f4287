package io.edgefuse.runtime.cli;

import io.edgefuse.protocol.ota.KeyFiles;
import io.edgefuse.protocol.ota.Manifest;
import io.edgefuse.protocol.ota.ModelArchive;
import io.edgefuse.protocol.ota.OtaReport;
import io.edgefuse.runtime.ota.ArtifactPush;
import io.edgefuse.runtime.ota.OtaClient;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "push-model", mixinStandardHelpOptions = true,
        description = {"Pushes a model folder over the air: signs its manifest, publishes it and its chunks retained, and waits"
                + " until every target node has staged, validated and warmed it and switched new tasks to it (or rejected it)."
                + " The coordinator plans with the new version once every node serving the model has it active."
                + " Exit 0 when every target runs it, 1 when one rejected it or did not answer in time. See docs/operations.md."})
final class PushModelCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    OtaOptions ota;

    @Option(names = "--model", required = true, description = "Model folder (model.json + weights.safetensors).")
    Path model;

    @Option(names = "--key", required = true, description = "Private signing key (edgefuse-ota.key from `edgefuse keys generate`; the .pub must sit next to it).")
    Path key;

    @Option(names = "--chunk-kib", defaultValue = "256", description = "Chunk size in KiB (keep it well under the broker's packet limit). Default: ${DEFAULT-VALUE}.")
    int chunkKib;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (!Files.isDirectory(model)) throw new IllegalArgumentException(model + " is not a model folder");
        KeyFiles.SigningKey k = KeyFiles.readSigningKey(key);
        String name = ModelArchive.name(model), version = ModelArchive.version(model);
        byte[] artifact = ModelArchive.pack(model);
        BrokerAddress b = ota.mqtt.address();
        try (OtaClient c = new OtaClient(b.host(), b.port(), ota.mqtt.topics().root())) {
            ArtifactPush.Result r = ArtifactPush.push(c, k, Manifest.Kind.MODEL, name, version, artifact, ota.nodes, OtaOptions.chunkSize(chunkKib),
                    Duration.ofSeconds(ota.timeoutSeconds), s -> {
                        out.println(s);
                        out.flush();
                    });
            return report(out, spec.commandLine().getErr(), r);
        }
    }

    static int report(PrintWriter out, PrintWriter err, ArtifactPush.Result r) {
        out.printf("%s: published in %.2f s, outcome after %.2f s%n", r.manifest().describe(), r.publishSeconds(), r.totalSeconds());
        if (r.targets().isEmpty()) {
            out.println("no target node was online; the retained manifest waits for nodes that connect later");
            return 0;
        }
        Table t = new Table("node", "state", "reason");
        for (Map.Entry<String, OtaReport> e : r.outcome().entrySet()) {
            OtaReport o = e.getValue();
            t.row(e.getKey(), o == null ? "no answer" : o.state().wire(), o == null || o.reason() == null ? "" : o.reason());
        }
        t.print(out);
        out.flush();
        if (!r.allActive()) {
            err.println("edgefuse: not every target runs " + r.manifest().describe());
            err.flush();
            return 1;
        }
        return 0;
    }
}
