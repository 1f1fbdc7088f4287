package io.edgefuse.osgi.framework;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgefuse.broker.EmbeddedBroker;
import io.edgefuse.model.Model;
import io.edgefuse.model.io.ModelFormat;
import io.edgefuse.model.tensor.Tensor;
import io.edgefuse.osgi.FelixLauncher;
import io.edgefuse.osgi.LauncherConfig;
import io.edgefuse.osgi.StartReport;
import io.edgefuse.protocol.Answer;
import io.edgefuse.protocol.DType;
import io.edgefuse.protocol.Frames;
import io.edgefuse.protocol.Topics;
import io.edgefuse.protocol.ota.ArtifactPublisher;
import io.edgefuse.protocol.ota.KeyFiles;
import io.edgefuse.protocol.ota.Manifest;
import io.edgefuse.protocol.ota.OtaReport;
import io.edgefuse.protocol.ota.OtaTopics;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;

/**
 * The edge-node bundle updated over the air inside a running Felix (node and coordinator from .cfg
 * files, as `edgefuse gateway` runs them) while requests flow: same JVM, requests keep being answered
 * (asked again while the node restarts), the new version is reported; a bundle that cannot resolve is
 * rolled back to the jar it replaced.
 */
class BundleOtaInFelixTest {
    private static final Topics TOPICS = Topics.defaults();
    private static final OtaTopics OTA = new OtaTopics(TOPICS);
    private static final String NODE_BUNDLE = "edgefuse-node";

    @TempDir
    Path work;

    @Test
    void theNodeBundleIsUpdatedMidStreamInTheSameJvmAndABrokenOneIsRolledBack() throws Exception {
        Model model = ServicesInFelixTest.tinyModel();
        Path modelDir = work.resolve("models/tiny");
        ModelFormat.write(model, modelDir);
        KeyFiles.generate(work.resolve("keys"));
        KeyFiles.SigningKey key = KeyFiles.readSigningKey(work.resolve("keys").resolve(KeyFiles.PRIVATE_FILE));
        Path conf = Files.createDirectories(work.resolve("conf"));
        String status = TOPICS.nodeStatus("gw-ota"), ota = OTA.nodeOta("gw-ota");

        try (EmbeddedBroker broker = EmbeddedBroker.startOnLoopback();
             TopicWatcher mqtt = new TopicWatcher(broker.port(), "test-ota").subscribe(status, ota, TOPICS.root() + "/results/tiny/#")) {
            Map<String, String> node = new LinkedHashMap<>();
            node.put("node.id", "gw-ota");
            node.put("broker.host", EmbeddedBroker.LOOPBACK);
            node.put("broker.port", Integer.toString(broker.port()));
            node.put("executor", "java");
            node.put("probe", "false");
            node.put("models", modelDir.toString());
            node.put("heartbeat.interval.ms", "250");
            node.put("ota.trusted.keys", work.resolve("keys").resolve(KeyFiles.PUBLIC_FILE).toString());
            node.put("ota.staging.dir", work.resolve("staging").toString());
            writeCfg(conf, "io.edgefuse.node", node);
            Map<String, String> coordinator = new LinkedHashMap<>();
            coordinator.put("broker.host", EmbeddedBroker.LOOPBACK);
            coordinator.put("broker.port", Integer.toString(broker.port()));
            coordinator.put("models", modelDir.toString());
            writeCfg(conf, "io.edgefuse.coordinator", coordinator);

            FelixLauncher felix = new FelixLauncher(LauncherConfig.storage(work.resolve("cache"))
                    .bundleDir(Dist.dir().resolve("bundles")).confDir(conf).confPoll(Duration.ofMillis(100)));
            StartReport report = felix.start();
            try {
                assertTrue(report.ok(), report.toString());
                assertNotNull(mqtt.next(status, m -> json(m).path("online").asBoolean(false), 30_000), "node not online\n" + felix.report());
                String before = bundleVersion(felix);

                // requests all along, each asked again until it gets a result (the node restarts once per deployment)
                AtomicBoolean stop = new AtomicBoolean();
                AtomicInteger answered = new AtomicInteger(), retried = new AtomicInteger();
                AtomicReference<String> failure = new AtomicReference<>();
                Tensor x = Tensor.random(42, 0f, 1f, 16, 16, 3);
                byte[] request = Frames.encode(Frames.header(), x, DType.FLOAT32);
                Thread stream = new Thread(() -> {
                    for (int i = 0; !stop.get() && failure.get() == null; i++) {
                        try {
                            if (ask(mqtt, "q-" + i, request, retried)) answered.incrementAndGet();
                            else failure.set("request q-" + i + " got no result in 60 s");
                        } catch (Exception e) {
                            failure.set(e.toString());
                        }
                    }
                });
                stream.start();
                awaitCount(answered, 3, failure);

                // 1. a new version of the node bundle itself
                Path v2 = rewrite(Dist.bundle(NODE_BUNDLE), work.resolve("node-ota2.jar"), "0.1.1.ota2", null);
                publish(mqtt, key, NODE_BUNDLE, "0.1.1.ota2", v2);
                OtaReport done = nextFinal(mqtt, ota, "0.1.1.ota2");
                assertEquals(OtaReport.State.ACTIVE, done.state(), done::toString);
                assertEquals("0.1.1.ota2", bundleVersion(felix), "the framework runs the new revision");
                TopicWatcher.Msg st = mqtt.next(status, m -> json(m).path("online").asBoolean(false) && json(m).path("bundles").toString().contains("0.1.1.ota2"), 30_000);
                assertNotNull(st, "the node's status reports the new bundle version");
                assertEquals(ProcessHandle.current().pid(), json(st).path("pid").asLong(), "same JVM");
                int mark = answered.get();
                awaitCount(answered, mark + 3, failure);

                // 2. a version that cannot resolve: rolled back to 0.1.1.ota2
                Path broken = rewrite(Dist.bundle(NODE_BUNDLE), work.resolve("node-broken.jar"), "0.1.2.broken", "io.edgefuse.does.not.exist");
                publish(mqtt, key, NODE_BUNDLE, "0.1.2.broken", broken);
                OtaReport rb = nextFinal(mqtt, ota, "0.1.2.broken");
                assertEquals(OtaReport.State.ROLLED_BACK, rb.state(), rb::toString);
                assertTrue(rb.reason().contains("io.edgefuse.does.not.exist"), rb.reason());
                assertEquals("0.1.1.ota2", bundleVersion(felix));
                mark = answered.get();
                awaitCount(answered, mark + 3, failure);

                stop.set(true);
                stream.join(90_000);
                assertEquals(null, failure.get());
                System.out.printf("bundle OTA: %s -> 0.1.1.ota2 -> 0.1.2.broken rolled back; %d requests answered, %d answers were errors asked again%n",
                        before, answered.get(), retried.get());
            } finally {
                assertTrue(felix.stop(Duration.ofSeconds(30)), "framework did not stop");
            }
        }
    }

    @Test
    void aJarCopiedIntoTheDeployFolderIsInstalledAndGogoShowsTheNode() throws Exception {
        Model model = ServicesInFelixTest.tinyModel();
        Path modelDir = work.resolve("models/tiny");
        ModelFormat.write(model, modelDir);
        Path conf = Files.createDirectories(work.resolve("conf")), deploy = work.resolve("deploy");
        try (EmbeddedBroker broker = EmbeddedBroker.startOnLoopback();
             TopicWatcher mqtt = new TopicWatcher(broker.port(), "test-deploy").subscribe(TOPICS.nodeStatus("gw-d"))) {
            Map<String, String> node = new LinkedHashMap<>();
            node.put("node.id", "gw-d");
            node.put("broker.host", EmbeddedBroker.LOOPBACK);
            node.put("broker.port", Integer.toString(broker.port()));
            node.put("executor", "java");
            node.put("probe", "false");
            node.put("models", modelDir.toString());
            writeCfg(conf, "io.edgefuse.node", node);
            FelixLauncher felix = new FelixLauncher(LauncherConfig.storage(work.resolve("cache"))
                    .bundleDir(Dist.dir().resolve("bundles")).confDir(conf).deployDir(deploy).confPoll(Duration.ofMillis(100)));
            StartReport report = felix.start();
            try {
                assertTrue(report.ok(), report.toString());
                assertNotNull(mqtt.next(TOPICS.nodeStatus("gw-d"), m -> json(m).path("online").asBoolean(false), 30_000), "node not online\n" + felix.report());

                // the offline path: a bundle jar copied into the deploy folder
                java.util.jar.Manifest mf = new java.util.jar.Manifest();
                mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
                mf.getMainAttributes().putValue("Bundle-ManifestVersion", "2");
                mf.getMainAttributes().putValue("Bundle-SymbolicName", "test.dropin");
                mf.getMainAttributes().putValue("Bundle-Version", "1.2.3");
                Path tmp = work.resolve("dropin.jar");
                try (JarOutputStream jo = new JarOutputStream(Files.newOutputStream(tmp), mf)) {
                    jo.putNextEntry(new JarEntry("readme.txt"));
                    jo.write("dropped in".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    jo.closeEntry();
                }
                Files.move(tmp, deploy.resolve("dropin.jar"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                long deadline = System.currentTimeMillis() + 30_000;
                Bundle dropped = null;
                while (dropped == null && System.currentTimeMillis() < deadline) {
                    for (Bundle b : felix.context().getBundles()) if ("test.dropin".equals(b.getSymbolicName()) && b.getState() == Bundle.ACTIVE) dropped = b;
                    Thread.sleep(100);
                }
                assertNotNull(dropped, "FileInstall did not install and start the jar from the deploy folder\n" + felix.report());
                assertEquals("1.2.3", dropped.getVersion().toString());

                String status = gogo(felix, "edgefuse:status"), models = gogo(felix, "edgefuse:models");
                assertTrue(status.contains("node gw-d online") && status.contains("bundle edgefuse-node "), status);
                assertTrue(models.contains("model tiny " + model.version() + " active"), models);
            } finally {
                assertTrue(felix.stop(Duration.ofSeconds(30)), "framework did not stop");
            }
        }
    }

    private static String gogo(FelixLauncher felix, String command) throws Exception {
        var ctx = felix.context();
        org.osgi.framework.ServiceReference<?>[] processors = ctx.getAllServiceReferences("org.apache.felix.service.command.CommandProcessor", null);
        assertNotNull(processors, "no Gogo CommandProcessor");
        Object processor = ctx.getService(processors[0]);
        try {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            Object session = Reflect.call(processor, "createSession", new java.io.ByteArrayInputStream(new byte[0]), out, out);
            Object result = Reflect.call(session, "execute", command);
            Reflect.call(session, "close");
            return result + out.toString(java.nio.charset.StandardCharsets.UTF_8);
        } finally {
            ctx.ungetService(processors[0]);
        }
    }

    /** Asks until a result comes (an error answer while the node restarts is asked again); false after 60 s. */
    private static boolean ask(TopicWatcher mqtt, String id, byte[] request, AtomicInteger retried) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        for (int attempt = 0; System.currentTimeMillis() < deadline; attempt++) {
            String rid = id + "-" + attempt;
            mqtt.publish(TOPICS.infer("tiny", rid), request);
            TopicWatcher.Msg m = mqtt.next(TOPICS.results("tiny", rid), x -> true, 30_000);
            if (m != null && !json(m).has("error")) return true;
            retried.incrementAndGet();
            Thread.sleep(200);
        }
        return false;
    }

    private static void awaitCount(AtomicInteger n, int want, AtomicReference<String> failure) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (n.get() < want && failure.get() == null && System.currentTimeMillis() < deadline) Thread.sleep(50);
        assertEquals(null, failure.get());
        assertTrue(n.get() >= want, "only " + n.get() + " answers");
    }

    private static void publish(TopicWatcher mqtt, KeyFiles.SigningKey key, String name, String version, Path jar) throws Exception {
        ArtifactPublisher.Publication p = new ArtifactPublisher(OTA, key).publish(Manifest.Kind.BUNDLE, name, version, Files.readAllBytes(jar), List.of(), 64 * 1024);
        for (ArtifactPublisher.Message m : p.messages()) mqtt.publishRetained(m.topic(), m.payload());
    }

    private static OtaReport nextFinal(TopicWatcher mqtt, String topic, String version) throws InterruptedException {
        TopicWatcher.Msg m = mqtt.next(topic, x -> {
            OtaReport r = OtaReport.parse(x.payload());
            return r.version().equals(version) && r.state().terminal();
        }, 90_000);
        assertNotNull(m, "no outcome for " + version);
        return OtaReport.parse(m.payload());
    }

    private static String bundleVersion(FelixLauncher felix) {
        for (Bundle b : felix.context().getBundles()) {
            if (NODE_BUNDLE.equals(b.getSymbolicName()) && b.getState() == Bundle.ACTIVE) return b.getVersion().toString();
        }
        return "not active";
    }

    /** A copy of a bundle jar with another Bundle-Version and, optionally, one more (unsatisfiable) import. */
    static Path rewrite(Path jar, Path out, String version, String extraImport) throws Exception {
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            java.util.jar.Manifest mf = new java.util.jar.Manifest(in.getManifest());
            Attributes a = mf.getMainAttributes();
            a.putValue("Bundle-Version", version);
            if (extraImport != null) a.putValue("Import-Package", a.getValue("Import-Package") + "," + extraImport);
            try (OutputStream os = Files.newOutputStream(out); JarOutputStream jo = new JarOutputStream(os, mf)) {
                for (JarEntry e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
                    jo.putNextEntry(new JarEntry(e.getName()));
                    in.transferTo(jo);
                    jo.closeEntry();
                }
            }
        }
        return out;
    }

    private static JsonNode json(TopicWatcher.Msg m) {
        return Answer.parse(m.payload());
    }

    private static void writeCfg(Path conf, String pid, Map<String, String> props) throws Exception {
        StringBuilder sb = new StringBuilder();
        props.forEach((k, v) -> sb.append(k).append(" = ").append(v).append('\n'));
        Path tmp = conf.resolve(pid + ".tmp");
        Files.writeString(tmp, sb.toString());
        Files.move(tmp, conf.resolve(pid + ".cfg"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
