package io.edgefuse.runtime.e2e;

import io.edgefuse.model.InputSpec;
import io.edgefuse.model.Model;
import io.edgefuse.model.Node;
import io.edgefuse.model.Op;
import io.edgefuse.model.Padding;
import io.edgefuse.model.Preprocessing;
import io.edgefuse.model.Shape;
import io.edgefuse.model.io.ModelFormat;
import io.edgefuse.model.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/** A small CNN (convs, batch norm, pooling, residual add, dense head) that nodes and tests load from one folder. */
final class E2eModel {
    private E2eModel() {}

    static Model build() {
        return build(42);
    }

    /** The same graph with weights from another seed: a new version of the same model. */
    static Model build(long seed) {
        List<Node> n = new ArrayList<>();
        Map<String, Tensor> w = new LinkedHashMap<>();
        SplittableRandom r = new SplittableRandom(seed);
        conv(n, w, r, "c1", "input", 3, 3, 1, 16);
        n.add(Node.of("r1", new Op.Relu(), "c1"));
        conv(n, w, r, "c2", "r1", 3, 16, 2, 32);
        bn(n, w, r, "b2", "c2", 32);
        n.add(Node.of("r2", new Op.Relu(), "b2"));
        conv(n, w, r, "c3", "r2", 3, 32, 1, 32);
        n.add(Node.of("r3", new Op.Relu(), "c3"));
        n.add(Node.of("sum", new Op.Add(), "r2", "r3"));
        n.add(Node.of("p3", new Op.MaxPool(2, 2, 2, 2, Padding.VALID), "sum"));
        conv(n, w, r, "c4", "p3", 3, 32, 1, 64);
        n.add(Node.of("r4", new Op.Relu(), "c4"));
        n.add(Node.of("gap", new Op.GlobalAvgPool(), "r4"));
        n.add(Node.of("fc", new Op.Dense(10, true), "gap"));
        w.put("fc.weight", rand(r, 3.0f / 8, 64, 10));
        w.put("fc.bias", rand(r, 0.1f, 10));
        n.add(Node.of("prob", new Op.Softmax(), "fc"));
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < 10; i++) labels.add("label_" + i);
        InputSpec in = new InputSpec("input", Shape.map(48, 48, 3), new Preprocessing(1 / 255.0, new double[] {0.5, 0.5, 0.5}, new double[] {0.25, 0.25, 0.25}));
        return new Model("e2enet", in, labels, n, "prob", w);
    }

    static Path write(Path dir) {
        Path folder = dir.resolve("e2enet");
        ModelFormat.write(build(), folder);
        return folder;
    }

    /** A distinct PNG per index, so answers differ between requests. */
    static byte[] png(int i) throws Exception {
        BufferedImage img = new BufferedImage(40 + i % 17, 36 + i % 13, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) img.setRGB(x, y, ((x * (i + 3)) & 0xff) << 16 | ((y * (7 + i)) & 0xff) << 8 | ((x + y + 31 * i) & 0xff));
        }
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        ImageIO.write(img, i % 2 == 0 ? "png" : "jpg", bos);
        return bos.toByteArray();
    }

    private static void conv(List<Node> n, Map<String, Tensor> w, SplittableRandom r, String name, String in, int k, int cin, int stride, int cout) {
        n.add(Node.of(name, new Op.Conv2D(k, k, stride, stride, Padding.SAME, cout, 1, true), in));
        w.put(name + ".weight", rand(r, (float) Math.sqrt(6.0 / (k * k * cin)), k, k, cin, cout));
        w.put(name + ".bias", rand(r, 0.05f, cout));
    }

    private static void bn(List<Node> n, Map<String, Tensor> w, SplittableRandom r, String name, String in, int c) {
        n.add(Node.of(name, new Op.BatchNorm(1e-3), in));
        w.put(name + ".gamma", Tensor.random(r.nextLong(), 0.8f, 1.2f, c));
        w.put(name + ".beta", rand(r, 0.05f, c));
        w.put(name + ".mean", rand(r, 0.05f, c));
        w.put(name + ".variance", Tensor.random(r.nextLong(), 0.8f, 1.2f, c));
    }

    private static Tensor rand(SplittableRandom r, float bound, int... shape) {
        return Tensor.random(r.nextLong(), -bound, bound, shape);
    }
}
