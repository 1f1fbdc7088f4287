package io.edgefuse.runtime.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;

/** --json output: one pretty-printed JSON document on stdout. */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {}

    /** Writes the value as a pretty-printed JSON file (creating its folder). */
    static void write(java.nio.file.Path file, Object value) {
        try {
            if (file.getParent() != null) java.nio.file.Files.createDirectories(file.getParent());
            MAPPER.writeValue(file.toFile(), value);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot write " + file + ": " + e.getMessage());
        }
    }

    static void print(PrintWriter out, Object value) {
        try {
            out.println(MAPPER.writeValueAsString(value));
            out.flush();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
