package io.edgefuse.node.internal;

import io.edgefuse.model.Model;
import io.edgefuse.model.ModelException;
import io.edgefuse.model.Shape;
import io.edgefuse.model.exec.Executor;
import io.edgefuse.model.io.ModelFormat;
import io.edgefuse.model.plan.Stage;
import io.edgefuse.model.region.Region;
import io.edgefuse.model.region.RegionTensor;
import io.edgefuse.model.region.StageGeometry;
import io.edgefuse.model.tensor.Tensor;
import io.edgefuse.node.ModelStore;
import io.edgefuse.protocol.ota.Manifest;
import io.edgefuse.protocol.ota.ModelArchive;
import io.edgefuse.protocol.ota.OtaException;
import io.edgefuse.protocol.ota.OtaInbox;
import io.edgefuse.protocol.ota.OtaReport;
import java.nio.file.Path;

/**
 * Puts a verified model artifact into use on a node: unpacks it next to its chunks, reads and validates
 * the graph (a model that fails validation is rejected; the active version keeps serving), checks that
 * its files hash to the version the manifest names, warms it (the executor runs one tile of its first
 * layer, which loads the weights and builds what the engine caches), and only then makes it the
 * active version. The version active before stays loaded as previous: tasks already planned with it
 * finish on it, and it is what a rollback returns to.
 */
public final class ModelInstaller implements OtaInbox.Installer {
    /** Rows of the warm-up tile: enough to exercise the kernels, small enough to cost milliseconds. */
    private static final int WARM_ROWS = 4;

    private final ModelStore store;
    private final Executor executor;

    public ModelInstaller(ModelStore store, Executor executor) {
        this.store = store;
        this.executor = executor;
    }

    @Override
    public boolean installed(Manifest m) {
        return store.active(m.name()).map(m.version()::equals).orElse(false);
    }

    @Override
    public void install(Manifest m, Path artifact, OtaInbox.Progress progress) {
        Path folder = ModelArchive.unpack(artifact, artifact.resolveSibling("model"));
        progress.report(OtaReport.State.STAGED, null);
        Model model;
        try {
            model = ModelFormat.read(folder);
        } catch (ModelException | IllegalArgumentException e) {
            throw new OtaException("model does not validate: " + e.getMessage());
        }
        if (!model.name().equals(m.name())) throw new OtaException("model.json names the model '" + model.name() + "', the manifest '" + m.name() + "'");
        if (!model.version().equals(m.version())) {
            throw new OtaException("model files hash to version " + model.version() + ", the manifest says " + m.version());
        }
        progress.report(OtaReport.State.WARMING, null);
        try {
            warm(model);
        } catch (RuntimeException e) {
            throw new OtaException("warm-up failed on the " + executor.name() + " executor: " + e.getMessage());
        }
        store.add(model);
        store.activate(model.name(), model.version());
        progress.report(OtaReport.State.ACTIVE, null);
    }

    @Override
    public String rollback(String name) {
        try {
            return store.rollback(name);
        } catch (ModelException e) {
            throw new OtaException(e.getMessage());
        }
    }

    /** One tile of the first layer, as a task would run it (or the whole first layer if it cannot be tiled). */
    void warm(Model m) {
        Stage s = Stage.of(m, 0, 0);
        Shape inShape = m.shapeOf(s.input());
        if (!s.tileable()) {
            executor.run(m, s, RegionTensor.whole(Tensor.zeros(inShape)), null);
            return;
        }
        Shape outShape = m.shape(0);
        Region out = new Region(0, Math.min(WARM_ROWS, outShape.h()), 0, outShape.w());
        Region in = StageGeometry.of(m, s, out).inputRegion();
        Tensor x = Tensor.zeros(in.height(), in.width(), inShape.c());
        executor.run(m, s, new RegionTensor(in, x), out);
    }

}
