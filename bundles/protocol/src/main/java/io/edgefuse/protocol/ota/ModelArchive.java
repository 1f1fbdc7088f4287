package io.edgefuse.protocol.ota;

import io.edgefuse.model.io.ModelFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A model folder as one OTA artifact: a ZIP holding exactly model.json and weights.safetensors, stored
 * uncompressed (float weights barely compress, and `unzip -l` can still inspect it). The model's
 * version is computed from the two files' bytes exactly as {@link ModelFormat} does, without parsing
 * them: an operator's tool can push a model the node will then judge.
 */
public final class ModelArchive {
    private static final Set<String> FILES = Set.of(ModelFormat.GRAPH_FILE, ModelFormat.WEIGHTS_FILE);

    private ModelArchive() {}

    public static byte[] pack(Path folder) {
        try {
            byte[] g = Files.readAllBytes(folder.resolve(ModelFormat.GRAPH_FILE));
            byte[] w = Files.readAllBytes(folder.resolve(ModelFormat.WEIGHTS_FILE));
            ByteArrayOutputStream bos = new ByteArrayOutputStream(g.length + w.length + 512);
            try (ZipOutputStream zip = new ZipOutputStream(bos)) {
                stored(zip, ModelFormat.GRAPH_FILE, g);
                stored(zip, ModelFormat.WEIGHTS_FILE, w);
            }
            return bos.toByteArray();
        } catch (java.nio.file.NoSuchFileException e) {
            throw new OtaException(folder + " is not a model folder: it lacks " + Path.of(e.getFile()).getFileName());
        } catch (IOException e) {
            throw new OtaException("cannot pack " + folder + ": " + e.getMessage(), e);
        }
    }

    /** SHA-256 of model.json then weights.safetensors: the model's version, as the node will compute it. */
    public static String version(Path folder) {
        try {
            MessageDigest d = Sha256.digest();
            d.update(Files.readAllBytes(folder.resolve(ModelFormat.GRAPH_FILE)));
            d.update(Files.readAllBytes(folder.resolve(ModelFormat.WEIGHTS_FILE)));
            return HexFormat.of().formatHex(d.digest());
        } catch (IOException e) {
            throw new OtaException("cannot read " + folder + ": " + e.getMessage(), e);
        }
    }

    /** The model's name as model.json states it (read without validating the graph). */
    public static String name(Path folder) {
        try {
            var o = new com.fasterxml.jackson.databind.ObjectMapper().readTree(folder.resolve(ModelFormat.GRAPH_FILE).toFile());
            String n = o.path("name").asText("");
            if (n.isEmpty()) throw new OtaException(folder.resolve(ModelFormat.GRAPH_FILE) + " has no name");
            return n;
        } catch (IOException e) {
            throw new OtaException("cannot read " + folder.resolve(ModelFormat.GRAPH_FILE) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Extracts an archive into a new folder {@code target} (replaced if it exists). Anything but the two
     * model files, twice the same file, or a missing one is refused: the archive is signed, but a
     * signature says who made it, not that it is harmless.
     */
    public static Path unpack(Path archive, Path target) {
        Set<String> seen = new HashSet<>();
        try {
            Path tmp = Files.createTempDirectory(target.getParent() == null ? Path.of(".") : Files.createDirectories(target.getParent()), ".model");
            try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(archive))) {
                for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                    if (!FILES.contains(e.getName()) || !seen.add(e.getName())) {
                        throw new OtaException("model archive holds '" + e.getName() + "'; only model.json and weights.safetensors, once each, are allowed");
                    }
                    try (OutputStream os = Files.newOutputStream(tmp.resolve(e.getName()))) {
                        copy(zip, os);
                    }
                }
            }
            if (!seen.equals(FILES)) throw new OtaException("model archive lacks " + (seen.contains(ModelFormat.GRAPH_FILE) ? ModelFormat.WEIGHTS_FILE : ModelFormat.GRAPH_FILE));
            ArtifactReceiver.deleteTree(target);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new OtaException("cannot unpack the model archive: " + e.getMessage(), e);
        }
    }

    private static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0;) out.write(buf, 0, n);
    }

    private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        e.setTime(0); // same folder, same bytes: a re-push of an unchanged model is the same artifact
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }
}
