package io.edgefuse.runtime.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgefuse.engine.tf.TfExecutor;
import io.edgefuse.engine.tf.WeightPolicy;
import io.edgefuse.model.Model;
import io.edgefuse.model.Shape;
import io.edgefuse.model.plan.Stage;
import io.edgefuse.model.region.Region;
import io.edgefuse.model.region.RegionTensor;
import io.edgefuse.model.region.StageGeometry;
import io.edgefuse.model.tensor.Tensor;
import io.edgefuse.model.zoo.Zoo;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One side of {@code bench graphs}, run in a JVM of its own because TensorFlow picks its kernels once per
 * process and because a process's resident memory only tells what a graph costs in a process that has
 * built nothing else: builds one tile graph per row stripe of a stage with the given weight binding and
 * prints, per tile, a JSON line with the first run (graph set-up included), the median of the next
 * runs, and how much the process grew; writes each tile's output for the parent to compare.
 *
 * <p>Arguments: model, first node, last node, tiles, binding (FEED_ALL or CONSTANT_FILTERS), intra-op
 * threads, runs, output folder.
 */
public final class TileGraphProbe {
    private TileGraphProbe() {}

    public static void main(String[] args) throws IOException {
        Model m = Zoo.resolve(args[0]);
        Stage stage = Stage.of(m, m.indexOf(args[1]), m.indexOf(args[2]));
        int tiles = Integer.parseInt(args[3]);
        WeightPolicy policy = WeightPolicy.valueOf(args[4]);
        int threads = Integer.parseInt(args[5]), runs = Integer.parseInt(args[6]);
        Path outDir = Path.of(args[7]);
        Shape in = m.shapeOf(stage.input()), out = m.shape(stage.last());
        Tensor x = Tensor.random(17, -1f, 1f, in.dims());
        ObjectMapper json = new ObjectMapper();
        try (TfExecutor tf = new TfExecutor(threads, 1, tiles, policy)) {
            tf.startThreadPools();
            for (int k = 0; k < tiles; k++) {
                Region r = new Region(k * out.h() / tiles, (k + 1) * out.h() / tiles, 0, out.w());
                Region need = StageGeometry.of(m, stage, r).inputRegion();
                RegionTensor tile = new RegionTensor(need, RegionTensor.whole(x).crop(need));
                long before = ResidentMemory.bytes();
                long t0 = System.nanoTime();
                Tensor y = tf.run(m, stage, tile, r);
                double firstMs = (System.nanoTime() - t0) / 1e6;
                long grown = ResidentMemory.bytes() - before;
                double[] ms = new double[runs];
                for (int i = 0; i < runs; i++) {
                    long s = System.nanoTime();
                    tf.run(m, stage, tile, r);
                    ms[i] = (System.nanoTime() - s) / 1e6;
                }
                Arrays.sort(ms);
                write(outDir.resolve(policy + "-tile" + k + ".f32"), y);
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("tile", k);
                line.put("rows", r.top() + ".." + r.bottom());
                line.put("firstRunMs", firstMs);
                line.put("steadyMs", ms[runs / 2]);
                line.put("growthBytes", grown);
                line.put("sharedTensors", tf.sharedWeights().getOrDefault(m.version(), 0));
                System.out.println(json.writeValueAsString(line));
                System.out.flush();
            }
        }
    }

    private static void write(Path f, Tensor t) throws IOException {
        try (DataOutputStream o = new DataOutputStream(Files.newOutputStream(f))) {
            for (float v : t.data()) o.writeFloat(v);
        }
    }

    /** VmRSS of this process from /proc (Linux), 0 where there is none. */
    static final class ResidentMemory {
        static long bytes() {
            try {
                for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("\\D", "")) * 1024;
                }
            } catch (IOException | NumberFormatException e) {
                return 0;
            }
            return 0;
        }
    }
}
