package io.edgefuse.runtime.cli;

import io.edgefuse.broker.EmbeddedBroker;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "broker", mixinStandardHelpOptions = true,
        description = {"Runs the embedded MQTT broker (HiveMQ CE: MQTT 3.1.1 and 5, in-memory persistence) until interrupted.",
                "For production use Mosquitto with the configs in broker-config/."})
final class BrokerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on. Default: ${DEFAULT-VALUE} (loopback only).")
    String host;

    @Option(names = "--port", defaultValue = "1883", description = "Port; 0 picks a free one. Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--max-packet-bytes", defaultValue = "67108864", description = "Largest MQTT packet accepted. Default: ${DEFAULT-VALUE}.")
    int maxPacket;

    @Override
    public Integer call() throws InterruptedException {
        EmbeddedBroker b = EmbeddedBroker.start(host, port, maxPacket);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            b.close();
            stopped.countDown();
        }));
        spec.commandLine().getOut().println("broker listening on " + b.uri() + " (Ctrl-C stops it)");
        spec.commandLine().getOut().flush();
        stopped.await();
        return 0;
    }
}
