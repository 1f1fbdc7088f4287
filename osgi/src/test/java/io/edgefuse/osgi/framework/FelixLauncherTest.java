package io.edgefuse.osgi.framework;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgefuse.model.InputSpec;
import io.edgefuse.model.Model;
import io.edgefuse.model.Node;
import io.edgefuse.model.Op;
import io.edgefuse.model.Padding;
import io.edgefuse.model.exec.JavaExecutor;
import io.edgefuse.model.io.ModelFormat;
import io.edgefuse.model.tensor.Tensor;
import io.edgefuse.osgi.BundleDiagnostics;
import io.edgefuse.osgi.FelixLauncher;
import io.edgefuse.osgi.LauncherConfig;
import io.edgefuse.osgi.StartReport;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.Version;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;

/** The whole distribution (dist/bundles) running in an embedded Felix, in this JVM. */
class FelixLauncherTest {
    @TempDir
    static Path work;

    static FelixLauncher launcher;
    static StartReport report;
    static Path conf;

    @BeforeAll
    static void start() throws Exception {
        conf = Files.createDirectories(work.resolve("conf"));
        launcher = new FelixLauncher(LauncherConfig.storage(work.resolve("cache"))
                .bundleDir(Dist.dir().resolve("bundles"))
                .confDir(conf)
                .confPoll(Duration.ofMillis(100)));
        report = launcher.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (launcher != null) assertTrue(launcher.stop(Duration.ofSeconds(30)), "framework did not stop");
    }

    @Test
    void everyDistributionBundleIsActive() throws Exception {
        assertTrue(report.ok(), report.toString());
        BundleContext ctx = launcher.context();
        List<String> notHealthy = new ArrayList<>();
        for (Bundle b : ctx.getBundles()) {
            if (!BundleDiagnostics.isHealthy(b)) notHealthy.add(BundleDiagnostics.describe(b) + " missing " + BundleDiagnostics.missingRequirements(b, ctx));
        }
        assertTrue(notHealthy.isEmpty(), "not active: " + notHealthy + "\n" + report);
        long jars;
        try (var s = Files.list(Dist.dir().resolve("bundles"))) {
            jars = s.filter(p -> p.toString().endsWith(".jar")).count();
        }
        assertEquals(jars + 1, ctx.getBundles().length, "one bundle per jar plus the system bundle\n" + report);
        for (String bsn : List.of("org.apache.felix.scr", "org.apache.felix.configadmin", "org.apache.felix.fileinstall",
                "org.apache.felix.gogo.runtime", "org.apache.felix.gogo.command", "io.edgefuse.vertx", "edgefuse-model",
                "edgefuse-protocol", "edgefuse-engine-tf", "edgefuse-allocator", "edgefuse-node", "io.edgefuse.hivemq.client")) {
            assertEquals(Bundle.ACTIVE, bundle(bsn).getState(), bsn);
        }
    }

    @Test
    void tensorflowComesFromTheSystemBundleAndRunsInsideTheFramework() throws Exception {
        Bundle engine = bundle("edgefuse-engine-tf");
        // The engine's org.tensorflow import is wired to the system bundle, so there is one TF per JVM.
        BundleWire tfWire = engine.adapt(BundleWiring.class).getRequiredWires("osgi.wiring.package").stream()
                .filter(w -> "org.tensorflow".equals(w.getCapability().getAttributes().get("osgi.wiring.package")))
                .findFirst().orElseThrow(() -> new AssertionError("engine-tf has no org.tensorflow wire"));
        assertEquals(0, tfWire.getProvider().getBundle().getBundleId(), "org.tensorflow provider");
        assertSame(Class.forName("org.tensorflow.TensorFlow"), engine.loadClass("org.tensorflow.TensorFlow"));

        Path modelDir = work.resolve("one-conv");
        Model model = oneConvModel();
        ModelFormat.write(model, modelDir);
        Tensor x = Tensor.random(7, 0f, 1f, 6, 6, 2);
        float[] expected = new JavaExecutor().runWhole(model, x).data();
        float[] actual = runDirectTf(modelDir, x);
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], actual[i], 1e-4, "element " + i);
    }

    @Test
    void bundlesLogThroughTheLaunchersSlf4jAndLogback() throws Exception {
        Bundle allocator = bundle("edgefuse-allocator");
        BundleWire slf4j = allocator.adapt(BundleWiring.class).getRequiredWires("osgi.wiring.package").stream()
                .filter(w -> "org.slf4j".equals(w.getCapability().getAttributes().get("osgi.wiring.package")))
                .findFirst().orElseThrow(() -> new AssertionError("allocator has no org.slf4j wire"));
        assertEquals(0, slf4j.getProvider().getBundle().getBundleId());
        Class<?> factory = allocator.loadClass("org.slf4j.LoggerFactory");
        assertSame(org.slf4j.LoggerFactory.class, factory);
        assertEquals("ch.qos.logback.classic.LoggerContext", org.slf4j.LoggerFactory.getILoggerFactory().getClass().getName());
    }

    @Test
    void configAdminAndFileInstallDeliverCfgFilesToADsComponent() throws Exception {
        BundleContext ctx = launcher.context();
        // An XML-only DS bundle: the component needs a configuration (policy require) and publishes its
        // properties as service properties, which is what a real component would receive in @Activate.
        String xml = """
                <scr:component xmlns:scr="http://www.osgi.org/xmlns/scr/v1.3.0" name="io.edgefuse.test.probe"
                    configuration-policy="require" immediate="true">
                  <implementation class="java.lang.Object"/>
                  <service><provide interface="java.lang.Object"/></service>
                </scr:component>
                """;
        Path jar = TestBundles.jar(work.resolve("probe.jar"),
                Map.of("Bundle-SymbolicName", "edgefuse-test-probe", "Bundle-Version", "1.0.0",
                        "Service-Component", "OSGI-INF/probe.xml"),
                Map.of("OSGI-INF/probe.xml", xml));
        Bundle probe = ctx.installBundle(jar.toUri().toString());
        try {
            probe.start();
            Thread.sleep(300);
            assertEquals(null, probeGreeting(ctx), "component must wait for its configuration");
            assertTrue(launcher.report().components().contains(
                    "edgefuse-test-probe/io.edgefuse.test.probe AWAITING_CONFIGURATION (no configuration)"), launcher.report().toString());
            assertTrue(launcher.report().ok(), "waiting for a configuration is not a problem: " + launcher.report());

            Path cfg = conf.resolve("io.edgefuse.test.probe.cfg");
            Files.writeString(cfg, "greeting = hello\n");
            assertEquals("hello", waitFor(() -> probeGreeting(ctx), "hello"));
            // SCR registers the service (SATISFIED) just before it activates the immediate component.
            List<String> components = waitUntil(() -> launcher.report().components(),
                    l -> l.contains("edgefuse-test-probe/io.edgefuse.test.probe ACTIVE"));
            assertTrue(components.contains("edgefuse-test-probe/io.edgefuse.test.probe ACTIVE"), components.toString());

            Files.writeString(cfg, "greeting = bonjour\n");
            Files.setLastModifiedTime(cfg, FileTime.fromMillis(System.currentTimeMillis() + 2000));
            assertEquals("bonjour", waitFor(() -> probeGreeting(ctx), "bonjour"));

            Files.delete(cfg);
            assertEquals(null, waitFor(() -> probeGreeting(ctx), null), "deleting the .cfg removes the configuration");
        } finally {
            probe.uninstall();
        }
    }

    @Test
    void componentsWithUnsatisfiedReferencesAreReported() throws Exception {
        String xml = """
                <scr:component xmlns:scr="http://www.osgi.org/xmlns/scr/v1.3.0" name="io.edgefuse.test.needy">
                  <implementation class="java.lang.Object"/>
                  <reference name="missing" interface="io.edgefuse.test.NoSuchService" cardinality="1..1"/>
                </scr:component>
                """;
        Path jar = TestBundles.jar(work.resolve("needy.jar"),
                Map.of("Bundle-SymbolicName", "edgefuse-test-needy", "Bundle-Version", "1.0.0",
                        "Service-Component", "OSGI-INF/needy.xml"),
                Map.of("OSGI-INF/needy.xml", xml));
        Bundle needy = launcher.context().installBundle(jar.toUri().toString());
        try {
            needy.start();
            String problems = waitUntil(() -> String.join("\n", launcher.report().problems()), s -> s.contains("io.edgefuse.test.needy"));
            assertTrue(problems.contains("UNSATISFIED_REFERENCE") && problems.contains("missing"), problems);
        } finally {
            needy.uninstall();
        }
        assertTrue(launcher.report().ok(), launcher.report().toString());
    }

    @Test
    void gogoCommandsAreRegisteredAndRun() throws Exception {
        BundleContext ctx = launcher.context();
        ServiceReference<?>[] felixCommands = ctx.getAllServiceReferences(null, "(osgi.command.scope=felix)");
        assertNotNull(felixCommands, "no service with osgi.command.scope=felix");
        List<String> functions = new ArrayList<>();
        for (ServiceReference<?> r : felixCommands) {
            Object f = r.getProperty("osgi.command.function");
            if (f instanceof String[] a) functions.addAll(Arrays.asList(a));
            else if (f != null) functions.add(f.toString());
        }
        assertTrue(functions.contains("lb"), "felix commands: " + functions);

        ServiceReference<?>[] processors = ctx.getAllServiceReferences("org.apache.felix.service.command.CommandProcessor", null);
        assertNotNull(processors, "no Gogo CommandProcessor");
        ServiceReference<?> ref = processors[0];
        Object processor = ctx.getService(ref);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            InputStream noInput = new ByteArrayInputStream(new byte[0]);
            Object session = Reflect.call(processor, "createSession", noInput, out, out);
            // Gogo 1.1 commands return their text; the shell would print it. -s lists symbolic names.
            Object result = Reflect.call(session, "execute", "lb -s");
            Reflect.call(session, "close");
            String listing = result + out.toString(StandardCharsets.UTF_8);
            assertTrue(listing.contains("edgefuse-protocol") && listing.contains("org.apache.felix.scr"), listing);
        } finally {
            ctx.ungetService(ref);
        }
    }

    @Test
    void wrappedVertxRunsAnMqttRoundTripOnLoopback() throws Exception {
        Bundle vx = bundle("io.edgefuse.vertx");
        Class<?> vertxType = vx.loadClass("io.vertx.core.Vertx");
        Class<?> handler = vx.loadClass("io.vertx.core.Handler");
        Object vertx = Reflect.call(vertxType, "vertx");
        try {
            CompletableFuture<String> received = new CompletableFuture<>();
            Object server = Reflect.call(vx.loadClass("io.vertx.mqtt.MqttServer"), "create", vertx);
            Reflect.call(server, "endpointHandler", Reflect.callback(handler, endpoint -> {
                try {
                    Reflect.call(endpoint, "publishHandler", Reflect.callback(handler, msg -> {
                        try {
                            received.complete(Reflect.call(msg, "topicName") + "=" + Reflect.call(msg, "payload"));
                        } catch (Exception e) {
                            received.completeExceptionally(e);
                        }
                    }));
                    Reflect.call(endpoint, "accept", false);
                } catch (Exception e) {
                    received.completeExceptionally(e);
                }
            }));
            Reflect.await(Reflect.call(server, "listen", 0, "127.0.0.1"));
            int port = (Integer) Reflect.call(server, "actualPort");

            Object client = Reflect.call(vx.loadClass("io.vertx.mqtt.MqttClient"), "create", vertx);
            Reflect.await(Reflect.call(client, "connect", port, "127.0.0.1"));
            Object payload = Reflect.call(vx.loadClass("io.vertx.core.buffer.Buffer"), "buffer", "hello");
            @SuppressWarnings({"unchecked", "rawtypes"})
            Object qos = Enum.valueOf((Class) vx.loadClass("io.netty.handler.codec.mqtt.MqttQoS"), "AT_MOST_ONCE");
            Reflect.await(Reflect.call(client, "publish", "edgefuse/v1/test", payload, qos, false, false));
            assertEquals("edgefuse/v1/test=hello", received.get(20, TimeUnit.SECONDS));
            Reflect.await(Reflect.call(client, "disconnect"));
        } finally {
            Reflect.await(Reflect.call(vertx, "close"));
        }
    }

    @Test
    void updatingOurBundlesSwapsTheirCodeWhileTheFrameworkKeepsRunning() throws Exception {
        BundleContext ctx = launcher.context();
        Bundle protocol = bundle("edgefuse-protocol");
        Bundle allocator = bundle("edgefuse-allocator");
        Bundle engine = bundle("edgefuse-engine-tf");
        Class<?> topicsBefore = protocol.loadClass("io.edgefuse.protocol.Topics");
        Class<?> engineBefore = engine.loadClass("io.edgefuse.engine.tf.DirectTfModel");
        long pid = ProcessHandle.current().pid();

        // A "new release" of protocol: same code, bumped Bundle-Version, installed over the old one.
        Path next = TestBundles.withHeader(Dist.bundle("edgefuse-protocol"), work.resolve("protocol-next.jar"),
                "Bundle-Version", "0.1.1.hotswap");
        try (InputStream in = Files.newInputStream(next)) {
            protocol.update(in);
        }
        refresh(ctx, protocol);

        assertEquals(new Version("0.1.1.hotswap"), protocol.getVersion());
        assertEquals(Bundle.ACTIVE, protocol.getState(), BundleDiagnostics.describe(protocol));
        assertEquals(Bundle.ACTIVE, allocator.getState(), "the refresh restarts importers: " + BundleDiagnostics.describe(allocator));
        assertNotSame(topicsBefore, protocol.loadClass("io.edgefuse.protocol.Topics"), "new class loader after update");
        assertSame(protocol.loadClass("io.edgefuse.protocol.Topics"),
                allocator.loadClass("io.edgefuse.protocol.Topics"), "allocator rewired to the new protocol");
        assertSame(engineBefore, engine.loadClass("io.edgefuse.engine.tf.DirectTfModel"), "unrelated bundles untouched");
        assertEquals(Bundle.ACTIVE, ctx.getBundle(0).getState());
        assertEquals(pid, ProcessHandle.current().pid());

        // The TF engine can be swapped too: TF's JNI library stays loaded by the system class loader, so the
        // new engine class loader runs TensorFlow without a second (impossible) native load.
        Path modelDir = work.resolve("one-conv-swap");
        Model model = oneConvModel();
        ModelFormat.write(model, modelDir);
        Tensor x = Tensor.random(11, 0f, 1f, 6, 6, 2);
        float[] first = runDirectTf(modelDir, x);
        engine.update();
        refresh(ctx, engine);
        assertEquals(Bundle.ACTIVE, engine.getState());
        assertNotSame(engineBefore, engine.loadClass("io.edgefuse.engine.tf.DirectTfModel"));
        assertArrayEquals(first, runDirectTf(modelDir, x), 0f);
    }

    // ---- helpers ----

    static Bundle bundle(String bsn) {
        return Arrays.stream(launcher.context().getBundles()).filter(b -> bsn.equals(b.getSymbolicName())).findFirst()
                .orElseThrow(() -> new AssertionError("no bundle " + bsn + "\n" + launcher.report()));
    }

    static Model oneConvModel() {
        InputSpec in = InputSpec.of(6, 6, 2);
        return new Model("one-conv", in, List.of(), List.of(Node.of("c1", Op.Conv2D.of(3, 1, Padding.SAME, 4), "input")),
                null, Map.of("c1.weight", Tensor.random(1, -0.5f, 0.5f, 3, 3, 2, 4), "c1.bias", Tensor.random(2, -0.2f, 0.2f, 4)));
    }

    /** Reads the model with the model bundle and runs it with engine-tf's DirectTfModel, all inside Felix. */
    static float[] runDirectTf(Path modelDir, Tensor x) throws Exception {
        Bundle modelBundle = bundle("edgefuse-model");
        Bundle engine = bundle("edgefuse-engine-tf");
        Class<?> modelType = modelBundle.loadClass("io.edgefuse.model.Model");
        Class<?> tensorType = modelBundle.loadClass("io.edgefuse.model.tensor.Tensor");
        Object model = Reflect.call(modelBundle.loadClass("io.edgefuse.model.io.ModelFormat"), "read", modelDir);
        Object input = tensorType.getConstructor(int[].class, float[].class).newInstance(x.shape(), x.data());
        Object direct = engine.loadClass("io.edgefuse.engine.tf.DirectTfModel")
                .getConstructor(modelType, int.class, int.class).newInstance(model, 1, 1);
        try {
            return (float[]) Reflect.call(Reflect.call(direct, "run", input), "data");
        } finally {
            Reflect.call(direct, "close");
        }
    }

    static void refresh(BundleContext ctx, Bundle b) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        ctx.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(List.of(b), e -> {
            if (e.getType() == FrameworkEvent.PACKAGES_REFRESHED) done.countDown();
        });
        assertTrue(done.await(30, TimeUnit.SECONDS), "refresh did not finish");
    }

    static String probeGreeting(BundleContext ctx) {
        try {
            ServiceReference<?>[] refs = ctx.getAllServiceReferences(null, "(component.name=io.edgefuse.test.probe)");
            return refs == null ? null : (String) refs[0].getProperty("greeting");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static <T> T waitFor(Supplier<T> value, T wanted) throws InterruptedException {
        return waitUntil(value, v -> java.util.Objects.equals(v, wanted));
    }

    static <T> T waitUntil(Supplier<T> value, java.util.function.Predicate<T> done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        T v = value.get();
        while (!done.test(v) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            v = value.get();
        }
        return v;
    }
}
