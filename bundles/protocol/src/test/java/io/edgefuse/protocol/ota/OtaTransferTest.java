package io.edgefuse.protocol.ota;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OtaTransferTest {
    private static final OtaTopics TOPICS = new OtaTopics("edgefuse/v1");

    @TempDir
    Path dir;

    private static byte[] artifact(int size) {
        byte[] b = new byte[size];
        new Random(7).nextBytes(b);
        return b;
    }

    private KeyFiles.SigningKey key(String sub) throws Exception {
        Path d = dir.resolve(sub);
        KeyFiles.generate(d);
        return KeyFiles.readSigningKey(d.resolve(KeyFiles.PRIVATE_FILE));
    }

    private TrustedKeys trust(String sub) {
        return TrustedKeys.load(List.of(dir.resolve(sub).resolve(KeyFiles.PUBLIC_FILE)));
    }

    @Test
    void keysSignAndVerifyAndAnyChangedFieldBreaksTheSignature() throws Exception {
        KeyFiles.SigningKey k = key("k");
        assertEquals(16, k.keyId().length());
        assertEquals(k.keyId(), KeyFiles.keyId(KeyFiles.readPublicKey(dir.resolve("k").resolve(KeyFiles.PUBLIC_FILE))));
        assertThrows(OtaException.class, () -> KeyFiles.generate(dir.resolve("k")), "an existing key is never overwritten");
        Manifest m = new ArtifactPublisher(TOPICS, k).publish(Manifest.Kind.MODEL, "tiny", "v1", artifact(5000), List.of(), 1024).manifest();
        Manifest parsed = Manifest.parse(m.toJson());
        assertEquals(m, parsed);
        trust("k").verify(parsed);

        String json = new String(m.toJson(), StandardCharsets.UTF_8);
        Manifest bigger = Manifest.parse(json.replace("\"nodes\":[]", "\"nodes\":[\"n9\"]").getBytes(StandardCharsets.UTF_8));
        OtaException e = assertThrows(OtaException.class, () -> trust("k").verify(bigger));
        assertTrue(e.getMessage().startsWith("bad signature"), e.getMessage());

        key("other");
        OtaException unknown = assertThrows(OtaException.class, () -> trust("other").verify(parsed));
        assertTrue(unknown.getMessage().contains("unknown key " + k.keyId()), unknown.getMessage());
        assertThrows(OtaException.class, () -> TrustedKeys.none().verify(parsed));
    }

    @Test
    void malformedManifestsAreRefusedWithAReason() {
        assertThrows(OtaException.class, () -> Manifest.parse("not json".getBytes(StandardCharsets.UTF_8)));
        assertThrows(OtaException.class, () -> Manifest.parse("{}".getBytes(StandardCharsets.UTF_8)));
        String h = "a".repeat(64);
        OtaException e = assertThrows(OtaException.class, () -> new Manifest("m", "v", Manifest.Kind.MODEL, 5000, h, 1024, 4, List.of(h, h, h, h), List.of(), 0, "k", "s"));
        assertTrue(e.getMessage().contains("chunkCount 4"), e.getMessage());
        assertThrows(OtaException.class, () -> new Manifest("../m", "v", Manifest.Kind.MODEL, 1, h, 1024, 1, List.of(h), List.of(), 0, "k", "s"));
        assertThrows(OtaException.class, () -> new Manifest("m", "v", Manifest.Kind.MODEL, 1, h, 100, 1, List.of(h), List.of(), 0, "k", "s"));
    }

    @Test
    void receiverVerifiesChunksAndResumesFromWhatItStaged() throws Exception {
        byte[] a = artifact(10_000);
        ArtifactPublisher.Publication p = new ArtifactPublisher(TOPICS, key("k")).publish(Manifest.Kind.BUNDLE, "b", "1.0.0", a, List.of(), 1024);
        Manifest m = p.manifest();
        assertEquals(10, m.chunkCount());
        assertEquals(11, p.messages().size());
        assertEquals(TOPICS.manifest(Manifest.Kind.BUNDLE, "b", "1.0.0"), p.messages().get(10).topic(), "manifest goes last");
        Path staging = dir.resolve("staging");

        ArtifactReceiver r = new ArtifactReceiver(m, staging);
        for (int i = 0; i < 6; i++) assertTrue(r.accept(i, p.messages().get(i).payload()));
        assertFalse(r.accept(3, p.messages().get(3).payload()), "a chunk delivered twice is taken once");
        byte[] bad = p.messages().get(6).payload().clone();
        bad[17] ^= 1;
        assertTrue(assertThrows(OtaException.class, () -> r.accept(6, bad)).getMessage().contains("SHA-256"));
        byte[] shortChunk = java.util.Arrays.copyOf(p.messages().get(7).payload(), 100);
        assertTrue(assertThrows(OtaException.class, () -> r.accept(7, shortChunk)).getMessage().contains("100 bytes"));
        assertThrows(OtaException.class, r::assemble);

        // "reconnect": a new receiver on the same staging folder keeps the 6 verified chunks
        ArtifactReceiver again = new ArtifactReceiver(m, staging);
        assertEquals(6, again.received());
        for (int i = 6; i < 10; i++) again.accept(i, p.messages().get(i).payload());
        assertArrayEquals(a, Files.readAllBytes(again.assemble()));
    }

    @Test
    void modelArchiveRoundTripsAndRefusesStrangers() throws Exception {
        Path f = Files.createDirectories(dir.resolve("m"));
        Files.writeString(f.resolve("model.json"), "{\"name\":\"tiny\"}");
        Files.write(f.resolve("weights.safetensors"), artifact(3000));
        byte[] zip = ModelArchive.pack(f);
        assertEquals("tiny", ModelArchive.name(f));
        Path z = dir.resolve("a.zip");
        Files.write(z, zip);
        Path out = ModelArchive.unpack(z, dir.resolve("out/model"));
        assertEquals(ModelArchive.version(f), ModelArchive.version(out));
        assertArrayEquals(zip, ModelArchive.pack(out), "same files, same archive");

        Path evil = dir.resolve("evil.zip");
        try (var zos = new java.util.zip.ZipOutputStream(Files.newOutputStream(evil))) {
            zos.putNextEntry(new java.util.zip.ZipEntry("../../etc/cron.d/x"));
            zos.write(1);
            zos.closeEntry();
        }
        assertThrows(OtaException.class, () -> ModelArchive.unpack(evil, dir.resolve("out2/model")));
        assertFalse(Files.exists(dir.resolve("etc")));
    }

    /** The inbox with an in-memory "broker" that keeps retained messages and delivers on subscribe. */
    private static final class FakeBroker implements OtaInbox.Link {
        final Map<String, byte[]> retained = new java.util.concurrent.ConcurrentHashMap<>();
        final List<String> subscribed = new CopyOnWriteArrayList<>();
        final BlockingQueue<OtaReport> reports = new LinkedBlockingQueue<>();
        OtaInbox inbox;

        @Override
        public void subscribe(String filter) {
            subscribed.add(filter);
            String prefix = filter.substring(0, filter.length() - 1);
            for (var e : new ArrayList<>(retained.entrySet())) if (e.getKey().startsWith(prefix)) inbox.onMessage(e.getKey(), e.getValue());
        }

        @Override
        public void unsubscribe(String filter) {
            subscribed.remove(filter);
        }

        @Override
        public void report(OtaReport r) {
            reports.add(r);
        }

        OtaReport next(OtaReport.State s) throws InterruptedException {
            for (OtaReport r; (r = reports.poll(10, TimeUnit.SECONDS)) != null;) if (r.state() == s) return r;
            return null;
        }
    }

    @Test
    void inboxFetchesVerifiesInstallsAndRejectsWithReasons() throws Exception {
        KeyFiles.SigningKey k = key("k");
        FakeBroker broker = new FakeBroker();
        List<byte[]> installed = new CopyOnWriteArrayList<>();
        OtaInbox.Installer installer = new OtaInbox.Installer() {
            @Override
            public boolean installed(Manifest m) {
                return false;
            }

            @Override
            public void install(Manifest m, Path artifact, OtaInbox.Progress progress) {
                try {
                    installed.add(Files.readAllBytes(artifact));
                } catch (java.io.IOException e) {
                    throw new OtaException(e.getMessage());
                }
                progress.report(OtaReport.State.ACTIVE, null);
            }
        };
        try (OtaInbox inbox = new OtaInbox(new OtaInbox.Settings("n1", trust("k"), dir.resolve("staging"), 400, 1 << 20), TOPICS, broker,
                Map.of(Manifest.Kind.BUNDLE, installer))) {
            broker.inbox = inbox;
            ArtifactPublisher pub = new ArtifactPublisher(TOPICS, k);

            byte[] a = artifact(5000);
            ArtifactPublisher.Publication p = pub.publish(Manifest.Kind.BUNDLE, "b", "1", a, List.of(), 1024);
            for (ArtifactPublisher.Message msg : p.messages().subList(0, 5)) broker.retained.put(msg.topic(), msg.payload());
            inbox.onMessage(p.messages().get(5).topic(), p.messages().get(5).payload());
            assertNotNull(broker.next(OtaReport.State.ACTIVE));
            assertArrayEquals(a, installed.get(0));

            // not for this node: ignored
            ArtifactPublisher.Publication other = pub.publish(Manifest.Kind.BUNDLE, "b", "2", a, List.of("n2"), 1024);
            inbox.onMessage(other.messages().get(5).topic(), other.messages().get(5).payload());

            // tampered chunk
            ArtifactPublisher.Publication t = pub.publish(Manifest.Kind.BUNDLE, "b", "3", a, List.of("n1"), 1024);
            for (ArtifactPublisher.Message msg : t.messages().subList(0, 5)) broker.retained.put(msg.topic(), msg.payload());
            byte[] bad = broker.retained.get(t.messages().get(2).topic()).clone();
            bad[0] ^= 0x55;
            broker.retained.put(t.messages().get(2).topic(), bad);
            inbox.onMessage(t.messages().get(5).topic(), t.messages().get(5).payload());
            OtaReport rej = broker.next(OtaReport.State.REJECTED);
            assertEquals("3", rej.version(), "the node-2-only version was ignored: " + rej);
            assertTrue(rej.reason().contains("chunk 2"), rej.reason());

            // truncated: only 3 of 5 chunks ever arrive; then the rest and a re-push resume it
            ArtifactPublisher.Publication tr = pub.publish(Manifest.Kind.BUNDLE, "b", "4", a, List.of(), 1024);
            for (ArtifactPublisher.Message msg : tr.messages().subList(0, 3)) broker.retained.put(msg.topic(), msg.payload());
            inbox.onMessage(tr.messages().get(5).topic(), tr.messages().get(5).payload());
            OtaReport stalled = broker.next(OtaReport.State.REJECTED);
            assertTrue(stalled.reason().startsWith("truncated transfer: 2 of 5 chunks missing"), stalled.reason());
            assertEquals(0.6, stalled.progress(), 1e-9);
            for (ArtifactPublisher.Message msg : tr.messages().subList(3, 5)) broker.retained.put(msg.topic(), msg.payload());
            inbox.onMessage(tr.messages().get(5).topic(), tr.messages().get(5).payload());
            assertNotNull(broker.next(OtaReport.State.ACTIVE));
            assertEquals(2, installed.size());

            // signed by a key the node does not trust
            ArtifactPublisher.Publication u = new ArtifactPublisher(TOPICS, key("rogue")).publish(Manifest.Kind.BUNDLE, "b", "5", a, List.of(), 1024);
            inbox.onMessage(u.messages().get(5).topic(), u.messages().get(5).payload());
            assertTrue(broker.next(OtaReport.State.REJECTED).reason().contains("unknown key"));

            // garbage on a manifest topic
            inbox.onMessage(TOPICS.manifest(Manifest.Kind.BUNDLE, "b", "6"), "{\"name\":".getBytes(StandardCharsets.UTF_8));
            OtaReport garbage = broker.next(OtaReport.State.REJECTED);
            assertEquals("6", garbage.version());
            assertTrue(garbage.reason().contains("not JSON"), garbage.reason());
            assertTrue(broker.subscribed.isEmpty(), "no chunk subscription left behind: " + broker.subscribed);
        }
    }
}
