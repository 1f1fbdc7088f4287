package io.edgefuse.model.zoo;

import io.edgefuse.model.Model;
import io.edgefuse.model.ModelException;
import io.edgefuse.model.io.ModelFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A zoo model's cache folder: the model folder plus a stamp naming the weight generator that wrote it.
 * A folder is reused only if it reads and validates, its graph is byte-for-byte the builder's, and its
 * stamp matches; otherwise it is regenerated.
 */
final class ZooCache {
    static final String STAMP_FILE = "zoo-generator.txt";
    private static final Logger LOG = LoggerFactory.getLogger(ZooCache.class);

    private ZooCache() {}

    static Model loadOrGenerate(Blueprint bp, Path folder) {
        String name = bp.graph().name();
        String stale = staleness(bp, folder);
        if (stale == null) {
            try {
                Model cached = ModelFormat.read(folder);
                if (Arrays.equals(ModelFormat.graphBytes(cached), ModelFormat.graphBytes(bp.graph()))) return cached;
                stale = "its graph differs from the zoo's " + name;
            } catch (ModelException e) {
                stale = "it does not read: " + e.getMessage();
            }
        }
        LOG.info("generating zoo model {} into {} ({})", name, folder, stale);
        Model m = bp.graph().withWeights(SeededWeights.generate(bp));
        try {
            Files.createDirectories(folder);
            // The stamp goes first and comes back last, so a crash half-way leaves a folder that is regenerated.
            Files.deleteIfExists(folder.resolve(STAMP_FILE));
            ModelFormat.write(m, folder);
            Files.writeString(folder.resolve(STAMP_FILE), SeededWeights.GENERATOR + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ModelException("cannot write zoo model " + name + " to " + folder + ": " + e.getMessage(), e);
        }
        return m;
    }

    /** Why the folder cannot be reused without reading it, or null if it may be. */
    private static String staleness(Blueprint bp, Path folder) {
        Path stamp = folder.resolve(STAMP_FILE);
        if (!Files.isRegularFile(stamp)) return "no cached copy";
        try {
            String s = Files.readString(stamp, StandardCharsets.UTF_8).trim();
            return s.equals(SeededWeights.GENERATOR) ? null : "cached by generator " + s + ", now " + SeededWeights.GENERATOR;
        } catch (IOException e) {
            return "stamp unreadable: " + e.getMessage();
        }
    }
}
