package io.edgefuse.runtime.cli;

import io.edgefuse.protocol.Topics;
import picocli.CommandLine.Option;

/** Where the verbs that talk MQTT find the cluster: the broker and the topic root. */
final class BrokerOptions {
    @Option(names = "--broker", defaultValue = "127.0.0.1:1883", description = "MQTT broker host:port. Default: ${DEFAULT-VALUE}.")
    String broker;

    @Option(names = "--root", defaultValue = Topics.DEFAULT_ROOT, description = "Topic root. Default: ${DEFAULT-VALUE}.")
    String root;

    BrokerAddress address() {
        return BrokerAddress.parse(broker);
    }

    Topics topics() {
        try {
            return new Topics(root);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--root: " + e.getMessage());
        }
    }
}
