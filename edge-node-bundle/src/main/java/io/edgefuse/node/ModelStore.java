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
 * tasks of a plan made for the old version. Thread-safe; listeners hear about every change.
 */
public final class ModelStore {
    /** A model as the protocol names it. */
    public record ModelRef(String name, String version) {}

    private static final Logger LOG = LoggerFactory.getLogger(ModelStore.class);
    private final Map<ModelRef, Model> models = new ConcurrentHashMap<>();
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
        Model before = models.put(new ModelRef(m.name(), m.version()), m);
        if (before == null) fire();
        return m;
    }

    public boolean remove(String name, String version) {
        boolean removed = models.remove(new ModelRef(name, version)) != null;
        if (removed) fire();
        return removed;
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
