package io.edgefuse.runtime.cli;

import io.edgefuse.allocator.cluster.Profiles;
import io.edgefuse.allocator.coordinator.CoordinatorConfig;
import io.edgefuse.allocator.coordinator.MqttCoordinator;
import io.edgefuse.allocator.planner.Planners;
import io.edgefuse.model.Model;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "coordinator", mixinStandardHelpOptions = true,
        description = "Runs the coordinator: tracks nodes, plans, answers requests published to <root>/infer/<model>, until interrupted.")
final class CoordinatorCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    BrokerOptions mqtt;

    @Option(names = "--model", required = true, split = ",", description = "Models to serve: zoo names or model folders (nodes must hold the same versions).")
    List<String> models;

    @Option(names = "--planner", defaultValue = "edgefuse", description = "edgefuse, aofl, ftp, layerwise or single. Default: ${DEFAULT-VALUE}.")
    String planner;

    @Option(names = "--link", defaultValue = "eth1g", description = "Link profile assumed for nodes: wifi20, wifi50, wifi100, eth100, eth1g. Default: ${DEFAULT-VALUE}.")
    String link;

    @Option(names = "--max-request-bytes", defaultValue = "16777216", description = "Larger requests get a payload_too_large answer. Default: ${DEFAULT-VALUE}.")
    long maxRequestBytes;

    @Option(names = "--trust", split = ",", description = "Public key files whose signed model versions this coordinator takes over the air (it plans with one once every node serving the model has it active). None: no OTA.")
    List<String> trust = List.of();

    @Option(names = "--ota-staging", description = "Folder for model versions received over the air. Default: ~/.cache/edgefuse/ota/coordinator.")
    String otaStaging;

    @Override
    public Integer call() throws InterruptedException {
        Planners.get(planner);
        BrokerAddress b = mqtt.address();
        Map<String, Model> served = new LinkedHashMap<>();
        for (String m : models) {
            Model model = ModelArg.load(m, spec.commandLine().getErr());
            served.put(model.name(), model);
        }
        MqttCoordinator.Settings s = new MqttCoordinator.Settings(b.host(), b.port(), mqtt.topics().root(), served, maxRequestBytes, 256, 5, 3500)
                .withOta(io.edgefuse.allocator.coordinator.CoordinatorProperties.ota(trust, otaStaging));
        CoordinatorConfig cfg = CoordinatorConfig.defaults().withPlanner(planner).withLink(Profiles.link(link));
        MqttCoordinator c = new MqttCoordinator(s, cfg).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            c.close();
            stopped.countDown();
        }));
        spec.commandLine().getOut().println("coordinator serving " + served.keySet() + " via " + b + " (Ctrl-C stops it)");
        spec.commandLine().getOut().flush();
        stopped.await();
        return 0;
    }
}
