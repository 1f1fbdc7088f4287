package io.edgefuse.node;

import io.edgefuse.model.Model;
import io.edgefuse.model.ModelException;
import io.edgefuse.model.io.ModelFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models a node holds, keyed by (name, version) where version is {@link Model#version()} (SHA-256 of
 * the model's files). Several versions of one model may be loaded at once, so a hot swap never breaks
 * tasks of a plan made for the old version. Per name, one version is <em>active</em> (the one new plans
 * should use; the first loaded until {@link #activate} says otherwise) and one may be <em>previous</em>
 * (kept loaded for tasks in flight and for {@link #rollback}). Thread-safe; listeners hear about every change.
 */
public final class ModelStore {
    /** A model as the protocol names it. */
    public record ModelRef(String name, String version) {}

    private static final Logger LOG = LoggerFactory.getLogger(ModelStore.class);
    private final Map<ModelRef, Model> models = new ConcurrentHashMap<>();
    private final Map<String, String> active = new ConcurrentHashMap<>();
    private final Map<String, String> previous = new ConcurrentHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    /**
     * A model folder (model.json + weights.safetensors) when {@code nameOrFolder} is an existing
     * directory, otherwise a zoo name.
     */
    public Model load(String nameOrFolder) {
        Path p = Path.of(nameOrFolder);
        if (Files.isDirectory(p)) return loadFolder(p);
        return loadZoo(nameOrFolder);
    }

    public Model loadFolder(Path folder) {
        return add(ModelFormat.read(folder));
    }

    private Model loadZoo(String name) {
        if (!io.edgefuse.model.zoo.Zoo.contains(name)) {
            throw new ModelException("cannot load model '" + name + "': not a model folder and not a zoo model (" + String.join(", ", io.edgefuse.model.zoo.Zoo.names()) + ")");
        }
        return add(io.edgefuse.model.zoo.Zoo.load(name));
    }

    /** Adds (or replaces the identical) model under its name and version. */
    public Model add(Model m) {
        Model before;
        synchronized (this) {
            before = models.put(new ModelRef(m.name(), m.version()), m);
            active.putIfAbsent(m.name(), m.version());
        }
        if (before == null) fire();
        return m;
    }

    public boolean remove(String name, String version) {
        boolean removed;
        synchronized (this) {
            removed = models.remove(new ModelRef(name, version)) != null;
            previous.remove(name, version);
            if (active.remove(name, version)) {
                String p = previous.remove(name);
                if (p != null) active.put(name, p);
            }
        }
        if (removed) fire();
        return removed;
    }

    /**
     * Makes a loaded version the active one of its name: the version active until now becomes
     * previous (still loaded, so its tasks in flight finish), and any older version is unloaded.
     */
    public void activate(String name, String version) {
        synchronized (this) {
            get(name, version);
            String was = active.put(name, version);
            if (was != null && !was.equals(version)) previous.put(name, was);
            String prev = previous.get(name);
            if (version.equals(prev)) previous.remove(name);
            models.keySet().removeIf(r -> r.name().equals(name) && !r.version().equals(version) && !r.version().equals(previous.get(name)));
        }
        fire();
    }

    /** Swaps the active and the previous version of a name; returns the version now active. */
    public String rollback(String name) {
        String to;
        synchronized (this) {
            String p = previous.get(name);
            if (p == null) throw new ModelException("no previous version of '" + name + "' to roll back to" + (active.containsKey(name) ? " (active: " + active.get(name) + ")" : ""));
            String was = active.put(name, p);
            previous.put(name, was);
            to = p;
        }
        fire();
        return to;
    }

    public Optional<String> active(String name) {
        return Optional.ofNullable(active.get(name));
    }

    public Optional<String> previous(String name) {
        return Optional.ofNullable(previous.get(name));
    }

    public boolean isActive(ModelRef r) {
        return r.version().equals(active.get(r.name()));
    }

    public Optional<Model> find(String name, String version) {
        if (name == null || version == null) return Optional.empty();
        return Optional.ofNullable(models.get(new ModelRef(name, version)));
    }

    /** The model, or a ModelException saying which versions of that name the node does hold. */
    public Model get(String name, String version) {
        return find(name, version).orElseThrow(() -> {
            List<String> held = new ArrayList<>();
            for (ModelRef r : models.keySet()) if (r.name().equals(name)) held.add(r.version());
            return new ModelException("model " + name + "@" + version + " is not loaded on this node"
                    + (held.isEmpty() ? " (no version of '" + name + "' is)" : " (loaded versions: " + held + ")"));
        });
    }

    /** Sorted by name, then version, so status messages are stable. */
    public List<ModelRef> list() {
        List<ModelRef> l = new ArrayList<>(models.keySet());
        l.sort(Comparator.comparing(ModelRef::name).thenComparing(ModelRef::version));
        return l;
    }

    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    private void fire() {
        for (Runnable r : listeners) {
            try {
                r.run();
            } catch (RuntimeException e) {
                // A listener's failure must not undo or hide a load that succeeded.
                LOG.warn("model store listener failed: {}", e.toString());
            }
        }
    }
}
