package io.edgefuse.model.io;

import io.edgefuse.model.Model;
import io.edgefuse.model.ModelException;
import io.edgefuse.model.tensor.Tensor;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * A model folder: model.json (graph) + weights.safetensors. The version is the SHA-256 of model.json's
 * bytes followed by weights.safetensors' bytes.
 */
public final class ModelFormat {
    public static final String GRAPH_FILE = "model.json";
    public static final String WEIGHTS_FILE = "weights.safetensors";

    private ModelFormat() {}

    public static Model read(Path folder) {
        Path g = folder.resolve(GRAPH_FILE), w = folder.resolve(WEIGHTS_FILE);
        try {
            byte[] graphBytes = Files.readAllBytes(g);
            MessageDigest sha = sha256();
            sha.update(graphBytes);
            Map<String, Tensor> weights;
            try (FileChannel ch = FileChannel.open(w, StandardOpenOption.READ)) {
                ByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
                weights = Safetensors.read(map);
                sha.update(map.duplicate());
            }
            GraphJson.Graph graph = GraphJson.parse(graphBytes);
            return new Model(graph.name(), graph.input(), graph.labels(), graph.nodes(), graph.output(), weights)
                    .withVersion(HexFormat.of().formatHex(sha.digest()));
        } catch (NoSuchFileException e) {
            throw new ModelException("model folder " + folder + " lacks " + Path.of(e.getFile()).getFileName() + " (a model is model.json + weights.safetensors)");
        } catch (IOException e) {
            throw new ModelException("cannot read model from " + folder + ": " + e.getMessage(), e);
        }
    }

    /** Writes both files atomically (temp file + rename) so a reader never sees half a model. */
    public static void write(Model m, Path folder) {
        try {
            Files.createDirectories(folder);
            Path tmpG = Files.createTempFile(folder, ".model", ".tmp");
            Path tmpW = Files.createTempFile(folder, ".weights", ".tmp");
            Files.write(tmpG, graphBytes(m));
            try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(tmpW), 1 << 20)) {
                Safetensors.write(m.weights(), os);
            }
            Files.move(tmpW, folder.resolve(WEIGHTS_FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.move(tmpG, folder.resolve(GRAPH_FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new ModelException("cannot write model to " + folder + ": " + e.getMessage(), e);
        }
    }

    public static byte[] graphBytes(Model m) {
        return GraphJson.write(new GraphJson.Graph(m.name(), m.input(), m.labels(), m.nodes(), m.output()));
    }

    /** The version the model would have once written, without writing it. */
    public static String computeVersion(Model m) {
        MessageDigest sha = sha256();
        sha.update(graphBytes(m));
        try {
            BufferedOutputStream os = new BufferedOutputStream(new DigestOutputStream(OutputStream.nullOutputStream(), sha), 1 << 20);
            Safetensors.write(m.weights(), os);
            os.flush();
        } catch (IOException e) {
            throw new ModelException("cannot hash model " + m.name(), e);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
