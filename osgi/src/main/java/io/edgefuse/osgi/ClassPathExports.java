package io.edgefuse.osgi;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Computes {@code org.osgi.framework.system.packages.extra}: the packages of the libraries that live on
 * the framework class path, with versions, so bundles can import them from the system bundle.
 *
 * <p>Libraries are found through one "anchor" class each rather than by scanning {@code java.class.path}:
 * under Surefire or a launcher script the class path may be a manifest-only jar, but the anchor's code
 * source is always the real jar (or classes folder). Every package of that jar is exported, so a bundle
 * can use any public TensorFlow API without the launcher knowing the list in advance.
 */
public final class ClassPathExports {

    /** Anchor class names of what EdgeFuse keeps on the framework class path. */
    public static final List<String> DEFAULT_ANCHORS = List.of(
            "org.tensorflow.TensorFlow",                    // tensorflow-core-api
            "org.tensorflow.internal.c_api.global.tensorflow", // tensorflow-core-native (JNI bindings, protos)
            "org.tensorflow.ndarray.NdArray",               // ndarray
            "org.tensorflow.framework.optimizers.Optimizer", // tensorflow-framework (the trainer's optimizers)
            "org.bytedeco.javacpp.Loader",                  // JavaCPP: loads and owns the native library
            "com.google.protobuf.Message",                  // protobuf: TF's org.tensorflow.proto classes extend it
            "org.slf4j.Logger");                            // bundles log through the launcher's Logback

    private static final Pattern OSGI_VERSION = Pattern.compile("(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?(.*)");

    private ClassPathExports() {}

    /** A library found through its anchor: where it is and which packages it exports at which version. */
    public record Library(String anchor, Path location, String version, List<String> packages) {}

    /** The libraries behind the anchors that the class loader can see; anchors it cannot see are skipped. */
    public static List<Library> find(Collection<String> anchors, ClassLoader loader) {
        List<Library> found = new ArrayList<>();
        for (String anchor : anchors) {
            Path location = locate(anchor, loader);
            if (location == null) continue;
            boolean duplicate = found.stream().anyMatch(l -> l.location().equals(location));
            if (!duplicate) found.add(scan(anchor, location));
        }
        return found;
    }

    /** The header value: {@code pkg;version="x.y.z"} for every package of every library, sorted. */
    public static String header(List<Library> libraries) {
        Map<String, String> versionByPackage = new TreeMap<>();
        for (Library lib : libraries) {
            for (String p : lib.packages()) versionByPackage.putIfAbsent(p, lib.version());
        }
        List<String> clauses = new ArrayList<>();
        versionByPackage.forEach((p, v) -> clauses.add(v == null ? p : p + ";version=\"" + v + "\""));
        return String.join(",", clauses);
    }

    /** Maven-style versions ({@code 2.0.16}, {@code 1.5.11}, {@code 4.28.2}, {@code 1.0.0-rc1}) as OSGi versions. */
    static String toOsgiVersion(String raw) {
        if (raw == null || raw.isBlank()) return null;
        Matcher m = OSGI_VERSION.matcher(raw.trim());
        if (!m.matches()) return null;
        String minor = m.group(2) == null ? "0" : m.group(2);
        String micro = m.group(3) == null ? "0" : m.group(3);
        String qualifier = m.group(4).replaceFirst("^[.-]", "").replaceAll("[^A-Za-z0-9_-]", "_");
        return m.group(1) + "." + minor + "." + micro + (qualifier.isEmpty() ? "" : "." + qualifier);
    }

    private static Path locate(String className, ClassLoader loader) {
        try {
            Class<?> c = Class.forName(className, false, loader);
            CodeSource cs = c.getProtectionDomain().getCodeSource();
            return cs == null || cs.getLocation() == null ? null : Path.of(cs.getLocation().toURI());
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        } catch (URISyntaxException e) {
            throw new IllegalStateException("bad code source for " + className, e);
        }
    }

    private static Library scan(String anchor, Path location) {
        try {
            if (Files.isDirectory(location)) {
                try (Stream<Path> files = Files.walk(location)) {
                    List<String> pkgs = files.filter(f -> f.toString().endsWith(".class"))
                            .map(f -> location.relativize(f.getParent() == null ? location : f.getParent()).toString())
                            .filter(p -> !p.isEmpty() && !p.startsWith("META-INF"))
                            .map(p -> p.replace('/', '.').replace('\\', '.'))
                            .distinct().sorted().toList();
                    return new Library(anchor, location, null, pkgs);
                }
            }
            try (JarFile jar = new JarFile(location.toFile())) {
                List<String> pkgs = jar.stream()
                        .map(JarEntry::getName)
                        .filter(n -> n.endsWith(".class") && n.indexOf('/') > 0 && !n.startsWith("META-INF/"))
                        .map(n -> n.substring(0, n.lastIndexOf('/')).replace('/', '.'))
                        .distinct().sorted().toList();
                return new Library(anchor, location, toOsgiVersion(versionOf(jar)), pkgs);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + location, e);
        }
    }

    /** The Maven version (pom.properties) first: manifests of these jars disagree on which header they use. */
    private static String versionOf(JarFile jar) throws IOException {
        for (JarEntry e : (Iterable<JarEntry>) jar.stream()::iterator) {
            if (e.getName().startsWith("META-INF/maven/") && e.getName().endsWith("/pom.properties")) {
                try (InputStream in = jar.getInputStream(e)) {
                    Properties p = new Properties();
                    p.load(in);
                    if (p.getProperty("version") != null) return p.getProperty("version");
                }
            }
        }
        Manifest mf = jar.getManifest();
        if (mf == null) return null;
        String v = mf.getMainAttributes().getValue("Bundle-Version");
        return v != null ? v : mf.getMainAttributes().getValue("Implementation-Version");
    }
}
