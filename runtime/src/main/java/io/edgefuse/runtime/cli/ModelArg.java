package io.edgefuse.runtime.cli;

import io.edgefuse.model.Model;
import io.edgefuse.model.zoo.Zoo;

/** A --model value: a zoo name (weights generated on first use) or a model folder. */
final class ModelArg {
    private ModelArg() {}

    static Model load(String nameOrFolder, java.io.PrintWriter err) {
        long t0 = System.nanoTime();
        Model m = Zoo.resolve(nameOrFolder);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (ms > 1000) err.printf("loaded %s (%d nodes, %.1f M params) in %.1f s%n", m.name(), m.size(), m.parameterCount() / 1e6, ms / 1000.0);
        err.flush();
        return m;
    }

    /** Only the graph (shapes, costs): zoo models without generating their weights. */
    static Model graph(String nameOrFolder) {
        return Zoo.contains(nameOrFolder) ? Zoo.graph(nameOrFolder) : Zoo.resolve(nameOrFolder);
    }
}
