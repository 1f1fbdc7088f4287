package io.edgefuse.osgi.framework;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Builds small bundle jars for the tests: hand-made manifests, and rewritten copies of real bundles. */
final class TestBundles {
    private TestBundles() {}

    static Path jar(Path file, Map<String, String> headers, Map<String, String> textEntries) throws IOException {
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().putValue("Bundle-ManifestVersion", "2");
        headers.forEach((k, v) -> mf.getMainAttributes().putValue(k, v));
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(file), mf)) {
            for (var e : textEntries.entrySet()) {
                out.putNextEntry(new JarEntry(e.getKey()));
                out.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return file;
    }

    /** A copy of {@code source} whose manifest has {@code header} set to {@code value}: a "new release". */
    static Path withHeader(Path source, Path target, String header, String value) throws IOException {
        try (JarFile in = new JarFile(source.toFile())) {
            Manifest mf = new Manifest(in.getManifest());
            mf.getMainAttributes().putValue(header, value);
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(target), mf)) {
                for (Enumeration<JarEntry> en = in.entries(); en.hasMoreElements(); ) {
                    JarEntry e = en.nextElement();
                    if (e.getName().equalsIgnoreCase(JarFile.MANIFEST_NAME)) continue;
                    out.putNextEntry(new JarEntry(e.getName()));
                    try (var data = in.getInputStream(e)) {
                        data.transferTo(out);
                    }
                    out.closeEntry();
                }
            }
        }
        return target;
    }

}
