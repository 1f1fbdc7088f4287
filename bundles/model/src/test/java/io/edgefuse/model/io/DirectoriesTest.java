package io.edgefuse.model.io;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoriesTest {
    @TempDir
    Path tmp;

    @Test
    void deletesNestedTreeAndToleratesMissingRoot() throws IOException {
        Path root = tmp.resolve("a");
        Files.createDirectories(root.resolve("b/c"));
        Files.writeString(root.resolve("b/c/f.txt"), "x");
        Files.writeString(root.resolve("g.txt"), "y");
        Directories.deleteTree(root);
        assertFalse(Files.exists(root));
        Directories.deleteTree(root);
        Directories.deleteTree(null);
    }

    @Test
    void reportsWhatItCouldNotDelete() throws IOException {
        Path root = tmp.resolve("locked");
        Path inner = Files.createDirectories(root.resolve("inner"));
        Files.writeString(inner.resolve("f.txt"), "x");
        assertTrue(inner.toFile().setWritable(false));
        try {
            if (Files.isWritable(inner)) { // root ignores the missing write bit: then everything goes
                Directories.deleteTree(root);
                assertFalse(Files.exists(root));
                return;
            }
            IOException e = assertThrows(IOException.class, () -> Directories.deleteTree(root));
            assertTrue(e.getMessage().contains("f.txt"), e.getMessage());
            assertTrue(Files.exists(inner.resolve("f.txt")));
        } finally {
            inner.toFile().setWritable(true);
        }
    }
}
