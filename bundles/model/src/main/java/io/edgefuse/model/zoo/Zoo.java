package io.edgefuse.model.zoo;

import io.edgefuse.model.Model;
import io.edgefuse.model.ModelException;
import io.edgefuse.model.io.ModelFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The model zoo: VGG-16, YOLOv2 (416), ResNet-18, ResNet-50, MobileNetV2 and the two Fashion-MNIST nets
 * (fmnist-vgg, fmnist-resnet), built in code and given deterministic seeded weights (see
 * {@link SeededWeights}) on first use; the trained Fashion-MNIST models are folders in models/. Generated models are cached as
 * model folders under {@link #cacheRoot()}/&lt;name&gt;/.
 */
public final class Zoo {
    /** Environment variable naming the cache root; it wins over {@link #CACHE_PROPERTY}. */
    public static final String CACHE_ENV = "EDGEFUSE_ZOO_CACHE";
    public static final String CACHE_PROPERTY = "edgefuse.zoo.cache";

    private static final Map<String, Supplier<Blueprint>> BUILDERS = new LinkedHashMap<>();

    static {
        BUILDERS.put("vgg16", Vgg16::build);
        BUILDERS.put("yolov2", YoloV2::build);
        BUILDERS.put("resnet18", ResNet::resnet18);
        BUILDERS.put("resnet50", ResNet::resnet50);
        BUILDERS.put("mobilenetv2", MobileNetV2::build);
        BUILDERS.put("fmnist-vgg", FashionMnistNets::vgg);
        BUILDERS.put("fmnist-resnet", FashionMnistNets::resnet);
    }

    private static final Map<Path, Object> LOCKS = new ConcurrentHashMap<>();

    private Zoo() {}

    public static List<String> names() {
        return List.copyOf(BUILDERS.keySet());
    }

    public static boolean contains(String name) {
        return BUILDERS.containsKey(name);
    }

    /** The network without weights ({@link Model#isGraphOnly()}): shapes, MACs and parameter counts, instantly. */
    public static Model graph(String name) {
        return blueprint(name).graph();
    }

    /** The network with its seeded weights, freshly generated (no cache). */
    public static Model generate(String name) {
        Blueprint bp = blueprint(name);
        return bp.graph().withWeights(SeededWeights.generate(bp));
    }

    /** The network with its seeded weights, from the cache under {@link #cacheRoot()}, generated there if needed. */
    public static Model load(String name) {
        return load(name, cacheRoot());
    }

    /** As {@link #load(String)} with an explicit cache root; the model folder is cacheRoot/name. */
    public static Model load(String name, Path cacheRoot) {
        Blueprint bp = blueprint(name);
        Path folder = cacheRoot.resolve(name).toAbsolutePath().normalize();
        // One generator per folder in this JVM; other processes write byte-identical files, so a race between
        // them is harmless (each file is replaced atomically).
        synchronized (LOCKS.computeIfAbsent(folder, k -> new Object())) {
            return ZooCache.loadOrGenerate(bp, folder);
        }
    }

    /**
     * A zoo name, or the path of a model folder (model.json + weights.safetensors). Zoo names win: a
     * folder called like a zoo model is reached as "./resnet18".
     */
    public static Model resolve(String nameOrFolder) {
        if (contains(nameOrFolder)) return load(nameOrFolder);
        Path p = Path.of(nameOrFolder);
        if (Files.isDirectory(p)) return ModelFormat.read(p);
        throw new ModelException("'" + nameOrFolder + "' is neither a zoo model (" + String.join(", ", names()) + ") nor a model folder");
    }

    /** $EDGEFUSE_ZOO_CACHE, else -Dedgefuse.zoo.cache, else ~/.cache/edgefuse/zoo. */
    public static Path cacheRoot() {
        String env = System.getenv(CACHE_ENV);
        if (env != null && !env.isBlank()) return Path.of(env);
        String prop = System.getProperty(CACHE_PROPERTY);
        if (prop != null && !prop.isBlank()) return Path.of(prop);
        return Path.of(System.getProperty("user.home"), ".cache", "edgefuse", "zoo");
    }

    static Blueprint blueprint(String name) {
        Supplier<Blueprint> b = name == null ? null : BUILDERS.get(name);
        if (b == null) throw new ModelException("unknown zoo model '" + name + "'; known: " + String.join(", ", names()));
        return b.get();
    }
}
