package io.edgefuse.allocator.coordinator;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * How many tiles each node has on the wire or in its queue, and the tiles waiting for room there. A
 * node answers BUSY beyond its workers plus its queue; a plan may give one node more tiles in a stage
 * than that (edgefuse pipelines pieces), so the coordinator holds the rest back instead of sending them
 * to be refused. Not thread-safe: the coordinator's loop owns it.
 */
final class NodeWindows<T> {
    private final Map<String, Integer> out = new HashMap<>();
    private final Map<String, ArrayDeque<T>> waiting = new HashMap<>();

    /** True (and counted) when the node has room for one more tile now; else the tile waits its turn. */
    boolean admit(String node, int slots, T tile) {
        ArrayDeque<T> q = waiting.get(node);
        if (out.getOrDefault(node, 0) < slots && (q == null || q.isEmpty())) {
            out.merge(node, 1, Integer::sum);
            return true;
        }
        waiting.computeIfAbsent(node, k -> new ArrayDeque<>()).add(tile);
        return false;
    }

    /** One tile the node held is done (answered, timed out, or moved elsewhere). */
    void release(String node) {
        out.computeIfPresent(node, (k, v) -> v > 1 ? v - 1 : null);
    }

    /** The next waiting tile, counted as sent, if the node has room; null otherwise. */
    T next(String node, int slots) {
        ArrayDeque<T> q = waiting.get(node);
        if (q == null || q.isEmpty() || out.getOrDefault(node, 0) >= slots) return null;
        out.merge(node, 1, Integer::sum);
        return q.poll();
    }

    /** Takes a tile out of the node's waiting line (its request failed, or it goes elsewhere); false if it was not waiting. */
    boolean withdraw(String node, T tile) {
        ArrayDeque<T> q = waiting.get(node);
        return q != null && q.remove(tile);
    }

    int outstanding(String node) {
        return out.getOrDefault(node, 0);
    }

    int waiting(String node) {
        ArrayDeque<T> q = waiting.get(node);
        return q == null ? 0 : q.size();
    }
}
