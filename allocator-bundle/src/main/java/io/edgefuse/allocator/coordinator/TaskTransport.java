package io.edgefuse.allocator.coordinator;

/** How the coordinator reaches a node's task queue (MQTT in production). Must not block for long. */
public interface TaskTransport {
    void send(String node, byte[] taskFrame) throws Exception;
}
