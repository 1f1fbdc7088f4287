package io.edgefuse.allocator.cost;

/**
 * One node's tiles in a stage as a pipeline of five resources, each taking one message or task at a
 * time in the order the tiles were sent: the downlink, the node's message path in (reading and decoding
 * a task), its compute, its message path out (encoding and publishing a result), the uplink. A tile
 * enters each resource when it has left the previous one and the resource is free. The message path
 * runs beside compute (on a node it is the event loop and the task worker's copies, not the engine's
 * kernel threads), so the next piece is decoded while the current one computes; input and output
 * handling are kept apart so a result waiting to be encoded never holds up the next input's decoding.
 */
public final class NodeTimeline {
    private double down, in, cpu, out, up, busy;

    /** Adds a tile with these durations (seconds); returns when its result is back at the coordinator. */
    public double add(double downlink, double messageIn, double compute, double messageOut, double uplink) {
        down += downlink;
        in = Math.max(down, in) + messageIn;
        cpu = Math.max(in, cpu) + compute;
        out = Math.max(cpu, out) + messageOut;
        up = Math.max(out, up) + uplink;
        busy += compute;
        return up;
    }

    /** Nothing on this node starts before {@code t} seconds (a re-sent tile after the loss was detected). */
    public void notBefore(double t) {
        down = Math.max(down, t);
        in = Math.max(in, t);
        cpu = Math.max(cpu, t);
        out = Math.max(out, t);
        up = Math.max(up, t);
    }

    /** When the last result is back. */
    public double finish() {
        return up;
    }

    /** Seconds of compute. */
    public double busy() {
        return busy;
    }
}
