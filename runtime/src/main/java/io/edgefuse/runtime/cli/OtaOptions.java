package io.edgefuse.runtime.cli;

import io.edgefuse.protocol.ota.Manifest;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options every OTA verb shares. */
final class OtaOptions {
    @Mixin
    BrokerOptions mqtt;

    @Option(names = "--nodes", split = ",", defaultValue = "all", description = "Target nodes: all (every node online now, and any that connects later) or ids. Default: ${DEFAULT-VALUE}.")
    List<String> nodes;

    @Option(names = "--timeout", defaultValue = "300", description = "Seconds to wait for every target's outcome. Default: ${DEFAULT-VALUE}.")
    long timeoutSeconds;

    static int chunkSize(int kib) {
        int bytes = kib * 1024;
        if (bytes < Manifest.MIN_CHUNK || bytes > Manifest.MAX_CHUNK) {
            throw new IllegalArgumentException("--chunk-kib " + kib + " outside " + Manifest.MIN_CHUNK / 1024 + ".." + Manifest.MAX_CHUNK / 1024);
        }
        return bytes;
    }
}
