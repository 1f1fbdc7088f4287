package io.edgefuse.allocator.coordinator;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgefuse.allocator.cluster.Cluster;
import io.edgefuse.allocator.cluster.ClusterNode;
import io.edgefuse.allocator.cluster.DeviceProfile;
import io.edgefuse.allocator.cluster.LinkProfile;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster as the coordinator sees it, from retained status messages (online flag, capacity, models)
 * and heartbeats (queue depth, models). A node is lost when its Last Will says offline or when it
 * missed heartbeats for longer than the timeout. Every change of who is online or of the model
 * versions they hold bumps the epoch, which invalidates cached plans; so does a node's learned message
 * path when it is first used or has moved materially ({@link #observeMessage}). The planner's view of a
 * node ({@link #cluster}) is its status, scaled by the observed compute speed, with its learned message
 * path once there is one.
 */
public final class Membership {
    private static final Logger LOG = LoggerFactory.getLogger(Membership.class);
    private final Map<String, NodeInfo> nodes = new ConcurrentHashMap<>();
    private final Map<String, Double> speedFactor = new ConcurrentHashMap<>();
    private final Map<String, Double> taskOverheadMs = new ConcurrentHashMap<>();
    private final Map<String, Integer> taskSlots = new ConcurrentHashMap<>();
    private final Map<String, MessagePathEstimate> messagePaths = new HashMap<>();
    private final Map<String, double[]> plannedMessage = new HashMap<>();
    private final AtomicLong epoch = new AtomicLong();
    private final long heartbeatTimeoutMs;
    private volatile Consumer<String> onLost = n -> {};

    public Membership(long heartbeatTimeoutMs) {
        this.heartbeatTimeoutMs = heartbeatTimeoutMs;
    }

    public void onLost(Consumer<String> listener) {
        this.onLost = listener;
    }

    public void onStatus(String node, JsonNode status, long now) {
        boolean online = status.path("online").asBoolean(false);
        NodeInfo before = nodes.get(node);
        if (!online) {
            if (before != null && before.online()) lost(node, "status offline (Last Will or shutdown)");
            return;
        }
        Map<String, Double> g = new LinkedHashMap<>();
        status.path("capacity").path("gflops").fields().forEachRemaining(e -> g.put(e.getKey(), e.getValue().asDouble()));
        NodeInfo info = new NodeInfo(node, true, status.path("engine").asText("?"), g, status.path("capacity").path("layerOverheadMs").asDouble(0.1),
                status.path("memoryBytes").asLong(1L << 30), models(status.path("models"), false), models(status.path("models"), true), 0, now);
        taskOverheadMs.put(node, status.path("capacity").path("taskOverheadMs").asDouble(1.0));
        int slots = status.path("taskSlots").asInt(0);
        if (slots > 0) taskSlots.put(node, slots);
        else taskSlots.remove(node);
        nodes.put(node, info);
        if (before == null || !before.online() || !before.models().equals(info.models()) || !before.active().equals(info.active())) {
            epoch.incrementAndGet();
            LOG.info("node {} online: engine {}, conv {} GFLOP/s, models {}", node, info.engine(), g.get("conv"), info.models());
        }
    }

    public void onHeartbeat(String node, JsonNode hb, long now) {
        NodeInfo n = nodes.get(node);
        if (n == null || !n.online()) return;
        Set<String> loaded = hb.has("models") ? models(hb.path("models"), false) : null;
        Set<String> active = hb.has("models") ? models(hb.path("models"), true) : null;
        NodeInfo updated = n.seen(now, hb.path("queueDepth").asInt(0), loaded, active);
        nodes.put(node, updated);
        if (!updated.models().equals(n.models()) || !updated.active().equals(n.active())) epoch.incrementAndGet();
    }

    /** Marks nodes silent for longer than the timeout as lost; call periodically. */
    public void expire(long now) {
        for (NodeInfo n : new ArrayList<>(nodes.values())) {
            if (n.online() && now - n.lastSeenMs() > heartbeatTimeoutMs) lost(n.name(), "no heartbeat for " + (now - n.lastSeenMs()) + " ms");
        }
    }

    public void lost(String node, String why) {
        NodeInfo n = nodes.get(node);
        if (n == null || !n.online()) return;
        nodes.put(node, n.offline());
        epoch.incrementAndGet();
        LOG.warn("node {} lost: {}", node, why);
        onLost.accept(node);
    }

    /** What the coordinator learns from the tiles it gets back. */
    public enum Learning {
        /** compute speed and message path (the default) */
        ALL,
        /** the message path only; compute figures stay the nodes' own */
        MESSAGE_PATH,
        /** nothing: the tiles are not representative (e.g. a benchmark's warm-up with the CPU quotas lifted) */
        NONE
    }

    private volatile Learning learning = Learning.ALL;
    private boolean holding, replanDue;

    /** What to learn from now on. */
    public void learning(Learning l) {
        this.learning = l;
    }

    /**
     * While held, what is learned does not make the coordinator re-plan; releasing re-plans once if it
     * would have. A benchmark holds plans while it learns, so that every request runs a plan whose tile
     * graphs the nodes have built.
     */
    public synchronized void holdPlans(boolean hold) {
        holding = hold;
        if (!hold && replanDue) {
            replanDue = false;
            epoch.incrementAndGet();
        }
    }

    private synchronized void replan() {
        if (holding) replanDue = true;
        else epoch.incrementAndGet();
    }

    /** Folds an observed task (predicted vs actual compute) into the node's speed estimate. */
    public void observe(String node, double predictedMs, double actualMs) {
        if (learning != Learning.ALL) return;
        if (!(predictedMs > 0) || !(actualMs > 0)) return;
        speedFactor.merge(node, predictedMs / actualMs, (old, obs) -> io.edgefuse.allocator.sim.SpeedEstimate.update(old, obs, 0.5));
    }

    /**
     * Folds one tile's message-path sample into the node's estimate ({@link MessagePathEstimate}): {@code mb}
     * its MB in + out, {@code excessMs} its round trip minus the node's compute minus the link both ways.
     * Once the estimate has {@link MessagePathEstimate#MIN_SAMPLES} samples, plans use it; the epoch is
     * bumped (cached plans are re-planned) when that happens and whenever its prediction for a small
     * (0.1 MB) or a large (2 MB) tile has moved by more than {@link #MESSAGE_REPLAN} since the last bump.
     */
    public synchronized void observeMessage(String node, double mb, double excessMs) {
        NodeInfo n = nodes.get(node);
        if (n == null || learning == Learning.NONE) return;
        MessagePathEstimate e = messagePaths.computeIfAbsent(node, k -> {
            DeviceProfile d = profile(n);
            return new MessagePathEstimate(d.messageOverheadMs(), d.messageMsPerMb());
        });
        e.observe(mb, excessMs);
        if (!e.learned()) return;
        double[] now = {e.predictMs(0.1), e.predictMs(2)};
        double[] then = plannedMessage.get(node);
        if (then == null || moved(then, now)) {
            plannedMessage.put(node, now);
            replan();
            LOG.info("node {} message path learned: {}{}", node, e, then == null ? "" : " (moved, re-planning)");
        }
    }

    /** Relative change of a predicted message-path time that triggers a re-plan. */
    static final double MESSAGE_REPLAN = 0.2;

    private static boolean moved(double[] then, double[] now) {
        for (int i = 0; i < then.length; i++) {
            if (Math.abs(now[i] - then[i]) > MESSAGE_REPLAN * Math.max(then[i], 1.0)) return true;
        }
        return false;
    }

    /** Copies of the nodes' message-path estimates (node -> estimate). */
    public synchronized Map<String, MessagePathEstimate> messagePaths() {
        Map<String, MessagePathEstimate> m = new LinkedHashMap<>();
        messagePaths.forEach((k, v) -> m.put(k, v.copy()));
        return m;
    }

    /**
     * Starts from estimates another coordinator learned from the same nodes (bench cluster runs one
     * coordinator per planner); plans are re-made with them.
     */
    public synchronized void adoptMessagePaths(Map<String, MessagePathEstimate> learned) {
        learned.forEach((k, v) -> {
            messagePaths.put(k, v.copy());
            if (v.learned()) plannedMessage.put(k, new double[] {v.predictMs(0.1), v.predictMs(2)});
        });
        replan();
    }

    /** Tiles the node holds at once (its workers and queue), as its status says; unlimited when it does not say. */
    public int taskSlots(String node) {
        return taskSlots.getOrDefault(node, Integer.MAX_VALUE);
    }

    public long epoch() {
        return epoch.get();
    }

    public List<NodeInfo> online() {
        List<NodeInfo> l = new ArrayList<>();
        for (NodeInfo n : nodes.values()) if (n.online()) l.add(n);
        l.sort((a, b) -> a.name().compareTo(b.name()));
        return l;
    }

    public NodeInfo get(String node) {
        return nodes.get(node);
    }

    /** Online nodes holding this model version, as the planner's cluster. */
    public Cluster cluster(String model, String version, LinkProfile link) {
        List<ClusterNode> l = new ArrayList<>();
        for (NodeInfo n : online()) {
            if (!n.has(model, version)) continue;
            DeviceProfile d = profile(n);
            MessagePathEstimate e;
            synchronized (this) {
                e = messagePaths.get(n.name());
                if (e != null && e.learned()) d = d.withMessagePath(e.fixedMs(), e.perMbMs());
            }
            double f = speedFactor.getOrDefault(n.name(), 1.0);
            l.add(new ClusterNode(n.name(), f == 1.0 ? d : d.scaled(f), link));
        }
        return l.isEmpty() ? null : new Cluster(l);
    }

    /**
     * The node as its status describes it: measured rates, overheads, memory; its message path the default
     * for its scalar speed (DeviceProfile#messageOverheadMs), since a node does not measure that itself.
     */
    private DeviceProfile profile(NodeInfo n) {
        return DeviceProfile.measured(n.name(), withDefaults(n.gflops()), n.layerOverheadMs(), taskOverheadMs.getOrDefault(n.name(), 1.0), n.memoryBytes());
    }

    private static Map<String, Double> withDefaults(Map<String, Double> g) {
        Map<String, Double> m = new HashMap<>(g);
        double conv = m.getOrDefault("conv", 1.0);
        m.putIfAbsent("conv", conv);
        m.putIfAbsent("depthwise", conv / 3);
        m.putIfAbsent("pool", conv / 15);
        m.putIfAbsent("dense", conv / 5);
        m.putIfAbsent("elementwise", conv / 15);
        m.replaceAll((k, v) -> v > 0 ? v : 0.01);
        return m;
    }

    /**
     * "name@version" of every model in a status or heartbeat list; onlyActive: those flagged active. A
     * node that flags none (older nodes) has every loaded version active.
     */
    private static Set<String> models(JsonNode arr, boolean onlyActive) {
        Set<String> s = new HashSet<>();
        boolean flagged = false;
        for (JsonNode m : arr) flagged |= m.has("active");
        for (JsonNode m : arr) {
            if (onlyActive && flagged && !m.path("active").asBoolean(false)) continue;
            s.add(m.path("name").asText() + "@" + m.path("version").asText());
        }
        return s;
    }
}
