package io.edgefuse.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgefuse.model.Model;
import io.edgefuse.model.io.ModelFormat;
import io.edgefuse.model.testing.Expect;
import io.edgefuse.node.ModelStore.ModelRef;
import io.edgefuse.node.testing.TestModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelStoreTest {

    @Test
    void keysModelsByNameAndFileVersion(@TempDir Path dir) {
        Model a = TestModels.tiny(1), b = TestModels.tiny(2);
        ModelFormat.write(a, dir.resolve("a"));
        ModelStore s = new ModelStore();
        AtomicInteger changes = new AtomicInteger();
        s.onChange(changes::incrementAndGet);

        Model loaded = s.load(dir.resolve("a").toString());
        assertEquals(a.version(), loaded.version(), "version is the SHA-256 of the files as written");
        s.add(b);
        assertEquals(2, changes.get());
        s.add(b);
        assertEquals(2, changes.get(), "re-adding the same version is no change");

        List<ModelRef> expected = new ArrayList<>(List.of(new ModelRef("tiny", a.version()), new ModelRef("tiny", b.version())));
        expected.sort((x, y) -> x.version().compareTo(y.version()));
        assertEquals(expected, s.list());
        assertSame(b, s.get("tiny", b.version()));
        Expect.modelError(a.version(), () -> s.get("tiny", "0".repeat(64)));
        Expect.modelError("no version of 'other'", () -> s.get("other", a.version()));
        assertTrue(s.find("tiny", null).isEmpty());

        assertTrue(s.remove("tiny", a.version()));
        assertFalse(s.remove("tiny", a.version()));
        assertEquals(List.of(new ModelRef("tiny", b.version())), s.list());
        assertEquals(3, changes.get());
    }

    @Test
    void clearErrorsForMissingModels(@TempDir Path dir) {
        ModelStore s = new ModelStore();
        Expect.modelError("lacks model.json", () -> s.load(dir.toString()));
        Expect.modelError("not a model folder and not a zoo model", () -> s.load("no-such-model"));
        assertTrue(s.list().isEmpty());
    }

    @Test
    void activatingKeepsThePreviousVersionForTasksInFlightAndRollback() {
        Model a = TestModels.tiny(1), b = TestModels.tiny(2), c = TestModels.tiny(3);
        ModelStore s = new ModelStore();
        s.add(a);
        assertEquals(a.version(), s.active("tiny").orElseThrow(), "the first version loaded is active");
        s.add(b);
        assertEquals(a.version(), s.active("tiny").orElseThrow(), "loading is not activating");
        s.activate("tiny", b.version());
        assertEquals(b.version(), s.active("tiny").orElseThrow());
        assertEquals(a.version(), s.previous("tiny").orElseThrow());
        assertTrue(s.find("tiny", a.version()).isPresent(), "the previous version stays loaded");
        s.add(c);
        s.activate("tiny", c.version());
        assertTrue(s.find("tiny", a.version()).isEmpty(), "older than previous is unloaded");
        assertEquals(2, s.list().size());
        assertEquals(b.version(), s.rollback("tiny"));
        assertEquals(b.version(), s.active("tiny").orElseThrow());
        assertEquals(c.version(), s.previous("tiny").orElseThrow());
        assertTrue(s.isActive(new ModelRef("tiny", b.version())));
        Expect.modelError("no previous version of 'other'", () -> s.rollback("other"));
    }
}
