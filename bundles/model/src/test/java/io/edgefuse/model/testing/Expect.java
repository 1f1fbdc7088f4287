package io.edgefuse.model.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgefuse.model.ModelException;
import org.junit.jupiter.api.function.Executable;

public final class Expect {
    private Expect() {}

    /** The call fails with a ModelException whose message contains {@code part}. */
    public static void modelError(String part, Executable e) {
        ModelException ex = assertThrows(ModelException.class, e);
        assertTrue(ex.getMessage().contains(part), () -> "expected '" + part + "' in: " + ex.getMessage());
    }
}
