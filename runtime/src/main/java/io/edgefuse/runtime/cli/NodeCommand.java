package io.edgefuse.runtime.cli;

import io.edgefuse.node.EdgeNode;
import io.edgefuse.node.NodeConfig;
import io.edgefuse.node.NodeMain;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "node", mixinStandardHelpOptions = true,
        description = {"Runs a worker node until interrupted: connects to the broker, publishes its status and heartbeats,"
                + " and computes the tiles the coordinator sends. Settings as in docs/node.md."})
final class NodeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--id", required = true, description = "Node id (letters, digits, . _ -).")
    String id;

    @Mixin
    BrokerOptions mqtt;

    @Option(names = "--model", required = true, split = ",", description = "Models to hold: zoo names or model folders.")
    List<String> models;

    @Option(names = "--executor", defaultValue = "tf", description = "tf or java. Default: ${DEFAULT-VALUE}.")
    String executor;

    @Option(names = "--threads", defaultValue = "0", description = "TensorFlow threads; 0 = all cores. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--workers", defaultValue = "1", description = "Tiles computed at once. Default: ${DEFAULT-VALUE}.")
    int workers;

    @Option(names = "--queue", defaultValue = "8", description = "Tiles waiting at most; more get a busy answer. Default: ${DEFAULT-VALUE}.")
    int queue;

    @Option(names = "--no-probe", description = "Skip the start-up micro-benchmark (report nominal capacity).")
    boolean noProbe;

    @Option(names = "--trust", split = ",", description = "Public key files (PEM, from `edgefuse keys generate`) whose signed models and bundles this node accepts over the air. None: OTA off.")
    List<String> trust = List.of();

    @Option(names = "--ota-staging", description = "Folder for OTA transfers and installed models. Default: ~/.cache/edgefuse/ota/<id>.")
    String otaStaging;

    @Option(names = "--ota-stall-ms", defaultValue = "30000", description = "A transfer with no new chunk for this long is rejected as truncated. Default: ${DEFAULT-VALUE}.")
    long otaStallMs;

    @Option(names = "--graph-cache", defaultValue = "64", description = "tf: compiled tile graphs kept open (LRU; each holds its layers' weights). Default: ${DEFAULT-VALUE}.")
    int graphCache;

    @Option(names = "--hold-until", paramLabel = "FILE", description = "After loading the models, wait until FILE exists before probing and connecting (used by `cluster up`); meanwhile a number written to FILE.probe.<id> asks for a probe run, answered in FILE.probed.<id>.")
    String holdUntil;

    @Option(names = "--probe-reference", paramLabel = "FILE", description = "Probe conv only and scale the other op classes from this capacity file ({gflops{conv, ...}}; `cluster up` passes the host calibration).")
    String probeReference;

    @Option(names = "--keep-alive", defaultValue = "10", paramLabel = "SECONDS", description = "MQTT keep-alive; the broker drops the node (Last Will) after 1.5x this without a packet. Default: ${DEFAULT-VALUE}.")
    int keepAlive;

    @Override
    public Integer call() throws InterruptedException {
        BrokerAddress b = mqtt.address();
        NodeConfig cfg = NodeConfig.builder(id).brokerHost(b.host()).brokerPort(b.port()).topicRoot(mqtt.topics().root()).executor(executor)
                .threads(threads).workers(workers).queueCapacity(queue).models(models).probe(!noProbe)
                .trustedKeys(trust).otaStagingDir(otaStaging).otaStallTimeoutMs(otaStallMs)
                .graphCache(graphCache).holdUntil(holdUntil).probeReference(probeReference).keepAliveSeconds(keepAlive).build();
        EdgeNode node = NodeMain.start(cfg);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }));
        spec.commandLine().getOut().println("node " + id + " running (" + node.engine() + ", models " + node.models().list() + ") via " + b);
        spec.commandLine().getOut().flush();
        stopped.await();
        return 0;
    }
}
