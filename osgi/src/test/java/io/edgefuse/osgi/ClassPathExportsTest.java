package io.edgefuse.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClassPathExportsTest {

    @Test
    void mavenVersionsBecomeOsgiVersions() {
        assertEquals("2.0.16", ClassPathExports.toOsgiVersion("2.0.16"));
        assertEquals("1.0.0", ClassPathExports.toOsgiVersion("1"));
        assertEquals("4.2.9.Final", ClassPathExports.toOsgiVersion("4.2.9.Final"));
        assertEquals("1.0.0.rc1", ClassPathExports.toOsgiVersion("1.0-rc1"));
        assertEquals("3.21.0.SNAPSHOT", ClassPathExports.toOsgiVersion("3.21-SNAPSHOT"));
        assertNull(ClassPathExports.toOsgiVersion("latest"));
    }

    @Test
    void exportsEveryPackageOfTheClassPathLibrariesWithTheirVersions() {
        List<ClassPathExports.Library> libs = ClassPathExports.find(ClassPathExports.DEFAULT_ANCHORS, getClass().getClassLoader());
        String header = ClassPathExports.header(libs);
        List<String> clauses = List.of(header.split(","));
        for (String expected : List.of(
                "org.tensorflow;version=\"1.1.0\"",
                "org.tensorflow.op.nn;version=\"1.1.0\"",
                "org.tensorflow.types;version=\"1.1.0\"",
                "org.tensorflow.proto;version=\"1.1.0\"",
                "org.tensorflow.internal.c_api;version=\"1.1.0\"",
                "org.tensorflow.ndarray;version=\"1.0.0\"",
                "org.tensorflow.ndarray.buffer;version=\"1.0.0\"",
                "org.tensorflow.framework.optimizers;version=\"1.1.0\"",
                "org.bytedeco.javacpp;version=\"1.5.11\"",
                "org.slf4j;version=\"2.0.16\"",
                "org.slf4j.event;version=\"2.0.16\"",
                "org.slf4j.helpers;version=\"2.0.16\"",
                "org.slf4j.spi;version=\"2.0.16\"")) {
            assertTrue(clauses.contains(expected), expected + " missing from " + header);
        }
        assertTrue(clauses.stream().anyMatch(c -> c.startsWith("com.google.protobuf;version=")), header);
        assertFalse(header.contains("META-INF"), header);
        assertFalse(header.contains("io.edgefuse"), "bundles must not leak onto the system bundle: " + header);
        assertEquals(7, libs.size(), "one library per anchor: " + libs.stream().map(ClassPathExports.Library::location).toList());
    }

    @Test
    void anchorsThatAreNotOnTheClassPathAreSkipped() {
        var libs = ClassPathExports.find(List.of("no.such.Anchor", "org.slf4j.Logger"), getClass().getClassLoader());
        assertEquals(1, libs.size());
        assertEquals("2.0.16", libs.get(0).version());
    }
}
