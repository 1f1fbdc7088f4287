package io.edgefuse.model.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** File-tree helpers shared by the OTA staging area, the gateway's framework cache and scratch folders. */
public final class Directories {
    private Directories() {
    }

    /**
     * Deletes {@code root} and everything below it, deepest first; a missing root is not an error.
     *
     * @throws IOException naming the first path that could not be deleted (the rest is still tried, so a
     *     caller that reports and carries on leaves as little behind as possible)
     */
    public static void deleteTree(Path root) throws IOException {
        if (root == null || !Files.exists(root)) return;
        IOException first = null;
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                try {
                    Files.deleteIfExists(p);
                } catch (NoSuchFileException gone) {
                    // removed by someone else meanwhile: what we wanted
                } catch (IOException e) {
                    if (first == null) first = e;
                }
            }
        }
        if (first != null) throw new IOException("could not delete " + first.getMessage() + " (below " + root + ")", first);
    }
}
