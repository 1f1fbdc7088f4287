package io.edgefuse.allocator.coordinator;

import io.edgefuse.model.Model;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The versions of each model the coordinator can plan with (configured at start, then received over the
 * air, in that order), and which one new requests use. The rule: the newest version that every online
 * node serving the model has <em>active</em>; while no version is active everywhere (a rollout or a
 * rollback half done) the version in use stays. So a request is never planned with a version some
 * node of the cluster has not switched to, and one request never mixes versions: it is pinned to the
 * version chosen when it starts, which the nodes keep loaded as their previous version.
 *
 * <p>Before the switch the new version is warmed through its own plan (one inference on a zero input,
 * see {@link #onWarmUp}): a node's engine builds a graph per stage and tile of each version, and
 * building them costs far more than running them, so user requests keep the old version until the new
 * one has run once across the cluster.
 */
public final class ModelVersions {
    private static final Logger LOG = LoggerFactory.getLogger(ModelVersions.class);
    private final Map<String, List<Model>> versions = new LinkedHashMap<>();
    private final Map<String, Model> current = new LinkedHashMap<>();
    private final java.util.Set<String> warm = new java.util.HashSet<>(), warming = new java.util.HashSet<>();
    private java.util.function.Consumer<Model> warmUp = this::warmed;

    public ModelVersions(Map<String, Model> configured) {
        configured.values().forEach(this::add);
        configured.values().forEach(m -> warm.add(m.version()));
    }

    /**
     * How a version about to be switched to is warmed: the action runs it once and calls
     * {@link #warmed} when done (successfully or not: a failed warm-up must not block the switch).
     * Default: no warm-up.
     */
    public synchronized void onWarmUp(java.util.function.Consumer<Model> action) {
        this.warmUp = action;
    }

    public synchronized void warmed(Model m) {
        warm.add(m.version());
        warming.remove(m.version());
    }

    public synchronized void add(Model m) {
        List<Model> l = versions.computeIfAbsent(m.name(), k -> new ArrayList<>());
        l.removeIf(x -> x.version().equals(m.version()));
        l.add(m);
        current.putIfAbsent(m.name(), m);
    }

    public synchronized boolean has(String name, String version) {
        return versions.getOrDefault(name, List.of()).stream().anyMatch(m -> m.version().equals(version));
    }

    public synchronized List<String> names() {
        return new ArrayList<>(versions.keySet());
    }

    /** The version in use now, without looking at the cluster. */
    public synchronized Optional<Model> current(String name) {
        return Optional.ofNullable(current.get(name));
    }

    /** The version a new request for this model uses, given the nodes online now; empty for an unknown model. */
    public synchronized Optional<Model> serving(String name, List<NodeInfo> online) {
        List<Model> l = versions.get(name);
        if (l == null) return Optional.empty();
        Model cur = current.get(name);
        List<NodeInfo> serving = new ArrayList<>();
        for (NodeInfo n : online) if (n.serves(name)) serving.add(n);
        if (serving.isEmpty()) return Optional.of(cur);
        for (int i = l.size() - 1; i >= 0; i--) {
            Model v = l.get(i);
            if (serving.stream().allMatch(n -> n.isActive(name, v.version()))) {
                if (v != cur && !warm.contains(v.version())) {
                    if (warming.add(v.version())) {
                        LOG.info("model {}: version {} is active on all {} serving nodes; warming it before the switch", name, v.version().substring(0, 12), serving.size());
                        warmUp.accept(v);
                    }
                    if (!warm.contains(v.version())) return Optional.of(cur);
                }
                if (v != cur) {
                    LOG.info("model {}: switching new requests from version {} to {} (active on all {} serving nodes)", name,
                            cur.version().substring(0, 12), v.version().substring(0, 12), serving.size());
                    current.put(name, v);
                }
                return Optional.of(v);
            }
        }
        return Optional.of(cur);
    }
}
