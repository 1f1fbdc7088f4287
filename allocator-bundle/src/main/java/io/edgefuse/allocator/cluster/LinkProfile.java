package io.edgefuse.allocator.cluster;

/** A node's network link to the broker: one-way latency per message and bandwidth (both directions). */
public record LinkProfile(String name, double latencyMs, double mbitPerSecond) {

    public LinkProfile {
        if (latencyMs < 0 || !(mbitPerSecond > 0)) throw new IllegalArgumentException("link " + name + ": latency >= 0 and bandwidth > 0 needed");
    }

    /** Seconds for one message of {@code bytes} to cross this link. */
    public double seconds(long bytes) {
        return latencyMs / 1000.0 + bytes * 8.0 / (mbitPerSecond * 1e6);
    }

    public LinkProfile withBandwidth(double mbit) {
        return new LinkProfile(name, latencyMs, mbit);
    }
}
