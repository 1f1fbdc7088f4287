package io.edgefuse.raspberrypi;

import static io.edgefuse.raspberrypi.GatewayPackage.install;
import static io.edgefuse.raspberrypi.GatewayPackage.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.edgefuse.allocator.coordinator.CoordinatorProperties;
import io.edgefuse.node.NodeConfig;
import io.edgefuse.raspberrypi.GatewayPackage.Result;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * raspberry-pi/install.sh from the assembled package, into a temporary root (--root) or as a dry run:
 * the layout, the unit, the configuration, upgrade, and an uninstall that leaves exactly what was there.
 */
class InstallScriptTest {
    @TempDir
    Path tmp;

    @Test
    void installLaysOutTheGatewayAndUninstallRemovesExactlyWhatItMade() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        // What a Raspberry Pi OS image already has and the install must leave alone.
        Files.createDirectories(root.resolve("etc/mosquitto/conf.d"));
        Files.writeString(root.resolve("etc/hostname"), "pi-kitchen\n");
        Files.writeString(root.resolve("etc/mosquitto/conf.d/other.conf"), "listener 1999\n");
        Files.createDirectories(root.resolve("usr/local/bin"));
        Files.writeString(root.resolve("usr/local/bin/other"), "#!/bin/sh\n");
        Map<String, String> before = snapshot(root);
        Path key = publicKeyPem(tmp.resolve("edgefuse-ota.pub"));

        Result r = install("--root", root.toString(), "--broker", "192.168.1.10:1884", "--mosquitto", "lan", "--trust", key.toString());
        assertEquals(0, r.exit(), r::toString);
        for (String skipped : List.of("apt-get update -q", "env DEBIAN_FRONTEND=noninteractive apt-get install -y -q openjdk-17-jre-headless",
                "env DEBIAN_FRONTEND=noninteractive apt-get install -y -q mosquitto",
                "useradd --system --user-group --home-dir /var/lib/edgefuse --no-create-home --shell /usr/sbin/nologin",
                "chown -R edgefuse:edgefuse /var/lib/edgefuse /var/cache/edgefuse", "chown -R root:edgefuse /etc/edgefuse", "systemctl daemon-reload",
                "systemctl enable edgefuse.service", "systemctl restart edgefuse.service", "systemctl restart mosquitto.service")) {
            assertTrue(r.out().contains("skipped (--root): " + skipped), () -> "not announced as skipped: " + skipped + "\n" + r);
        }

        Path opt = root.resolve("opt/edgefuse");
        for (String dir : List.of("lib", "bundles", "interactive")) {
            assertEquals(jarSizes(GatewayPackage.file("dist/" + dir)), jarSizes(opt.resolve(dir)), dir + " differs from the package's");
        }
        assertTrue(Files.isRegularFile(opt.resolve("lib/tensorflow-core-native-1.1.0-" + GatewayPackage.TF_CLASSIFIER + ".jar")));
        assertTrue(Files.isExecutable(opt.resolve("bin/edgefuse")));
        assertTrue(Files.isExecutable(opt.resolve("uninstall.sh")));
        assertEquals(Path.of("/opt/edgefuse/bin/edgefuse"), Files.readSymbolicLink(root.resolve("usr/local/bin/edgefuse")));

        Path unit = root.resolve("etc/systemd/system/edgefuse.service");
        assertEquals(-1, Files.mismatch(unit, GatewayPackage.file("systemd/edgefuse.service")));
        assertUnitPathsExistBelow(root, Files.readString(unit));

        Path etc = root.resolve("etc/edgefuse");
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(etc)));
        Path nodeCfg = etc.resolve("io.edgefuse.node.cfg");
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(nodeCfg)));
        Map<String, String> node = cfg(nodeCfg);
        NodeConfig parsed = NodeConfig.fromMap(node);
        assertEquals("pi-kitchen", parsed.nodeId(), "node id from /etc/hostname");
        assertEquals("192.168.1.10", parsed.brokerHost());
        assertEquals(1884, parsed.brokerPort());
        assertEquals("tf", parsed.executor());
        assertEquals("/var/lib/edgefuse/ota", node.get("ota.staging.dir"));
        assertTrue(Files.isDirectory(root.resolve("var/lib/edgefuse/ota")), "ota.staging.dir was not created");
        assertTrue(Files.isDirectory(root.resolve("var/lib/edgefuse/models")));
        assertEquals("/etc/edgefuse/trusted-keys/edgefuse-ota.pub", node.get("ota.trusted.keys"));
        assertEquals(-1, Files.mismatch(key, root.resolve("etc/edgefuse/trusted-keys/edgefuse-ota.pub")), "the trusted key was not copied");
        assertTrue(Files.isRegularFile(etc.resolve("io.edgefuse.node.cfg.example")));
        assertFalse(Files.exists(etc.resolve("io.edgefuse.coordinator.cfg")), "no coordinator unless --coordinator");
        assertTrue(Files.readString(root.resolve("etc/default/edgefuse")).contains("EDGEFUSE_JAVA_OPTS="));
        assertEquals(-1, Files.mismatch(root.resolve("etc/mosquitto/conf.d/edgefuse.conf"), GatewayPackage.file("broker-config/mosquitto-lan.conf")));

        // Upgrade: the operator's configuration stays, old jars go, new options apply to new files only.
        Files.writeString(nodeCfg, "# edited by the operator\n", java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(opt.resolve("lib/edgefuse-old-0.0.1.jar"), "stale");
        Files.writeString(opt.resolve("bundles/edgefuse-node-0.1.0-SNAPSHOT.jar"), "damaged");
        Path second = publicKeyPem(tmp.resolve("second.pub"));
        Result upgrade = install("--root", root.toString(), "--broker", "10.9.9.9", "--coordinator", "--models", "resnet18", "--trust", second.toString());
        assertEquals(0, upgrade.exit(), upgrade::toString);
        assertTrue(upgrade.out().contains("kept " + nodeCfg), upgrade::toString);
        assertTrue(Files.readString(nodeCfg).endsWith("# edited by the operator\n"));
        assertTrue(upgrade.err().contains("/etc/edgefuse/io.edgefuse.node.cfg is kept as it is: list the keys in its ota.trusted.keys"), upgrade::toString);
        assertTrue(Files.isRegularFile(etc.resolve("trusted-keys/second.pub")));
        assertFalse(Files.exists(opt.resolve("lib/edgefuse-old-0.0.1.jar")), "a jar the new package does not have must go");
        for (String dir : List.of("lib", "bundles", "interactive")) {
            assertEquals(jarSizes(GatewayPackage.file("dist/" + dir)), jarSizes(opt.resolve(dir)), dir + " differs from the package's after the upgrade");
        }
        // Only what changed is written again (the SD card of a Pi wears out).
        assertTrue(upgrade.out().contains(opt.resolve("bundles") + ": 1 jars written, "), upgrade::toString);
        assertTrue(upgrade.out().contains(opt.resolve("lib") + ": 0 jars written, "), upgrade::toString);
        CoordinatorProperties coordinator = CoordinatorProperties.fromMap(cfg(etc.resolve("io.edgefuse.coordinator.cfg")));
        assertEquals("10.9.9.9", coordinator.brokerHost());
        assertEquals(1883, coordinator.brokerPort());
        assertEquals("/etc/edgefuse/trusted-keys/second.pub", cfg(etc.resolve("io.edgefuse.coordinator.cfg")).get("ota.trusted.keys"));

        // Uninstall: the dry run changes nothing; the installed uninstall.sh removes everything the two runs made.
        Map<String, String> installed = snapshot(root);
        Result dry = GatewayPackage.run(opt.resolve("uninstall.sh"), Map.of(), "--root", root.toString(), "--dry-run");
        assertEquals(0, dry.exit(), dry::toString);
        assertTrue(dry.out().contains("would remove " + opt + "/ and everything in it"), dry::toString);
        assertEquals(installed, snapshot(root));

        Files.writeString(root.resolve("var/lib/edgefuse/models/pushed-over-the-air.bin"), "state the service wrote");
        Result un = GatewayPackage.run(opt.resolve("uninstall.sh"), Map.of(), "--root", root.toString());
        assertEquals(0, un.exit(), un::toString);
        for (String skipped : List.of("systemctl disable --now edgefuse.service", "systemctl daemon-reload",
                "systemctl try-restart mosquitto.service", "userdel edgefuse", "apt-mark auto openjdk-17-jre-headless mosquitto")) {
            assertTrue(un.out().contains("skipped (--root): " + skipped), () -> "not announced as skipped: " + skipped + "\n" + un);
        }
        assertEquals(before, snapshot(root), "uninstall must leave exactly what was there before the install");
        Result again = GatewayPackage.run(GatewayPackage.file("uninstall.sh"), Map.of(), "--root", root.toString());
        assertEquals(2, again.exit(), again::toString);
        assertTrue(again.err().contains("nothing to uninstall"), again::toString);
    }

    @Test
    void aRealInstallIsRefusedOnAMachineThatIsNotArm64() throws Exception {
        String arch = System.getProperty("os.arch");
        assumeFalse(arch.equals("aarch64") || arch.equals("arm64"), "this test needs a machine that is not arm64");
        List<Path> wouldBeMade = List.of(Path.of("/opt/edgefuse"), Path.of("/etc/edgefuse"), Path.of("/etc/systemd/system/edgefuse.service"));
        Map<Path, Boolean> existed = wouldBeMade.stream().collect(Collectors.toMap(p -> p, Files::exists));
        // The override of the architecture is for --root and --dry-run only; the distribution does not
        // exist, so even a broken architecture check would stop before the first change.
        Result r = GatewayPackage.run(GatewayPackage.file("install.sh"), Map.of("EDGEFUSE_ARCH", "arm64"),
                "--dist", tmp.resolve("no-such-dist").toString());
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("not arm64: the gateway install is for Raspberry Pi OS"), r::toString);
        assertTrue(r.err().contains("use --root DIR or --dry-run"), r::toString);
        assertEquals("", r.out());
        wouldBeMade.forEach(p -> assertEquals(existed.get(p), Files.exists(p), p + " changed"));
    }

    @Test
    void aDryRunPrintsThePlanAndChangesNothing() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Result r = GatewayPackage.run(GatewayPackage.file("install.sh"), Map.of("EDGEFUSE_ARCH", "arm64"),
                "--root", root.toString(), "--dry-run", "--node-id", "pi-7", "--mosquitto", "lan", "--executor", "java");
        assertEquals(0, r.exit(), r::toString);
        assertEquals(Map.of(), snapshot(root), "a dry run must not write anything");
        assertTrue(r.out().contains("architecture: arm64\n"), r::toString);
        for (String planned : List.of("would run: env DEBIAN_FRONTEND=noninteractive apt-get install -y -q openjdk-17-jre-headless",
                "would create " + root + "/opt/edgefuse/", "would install " + root + "/etc/systemd/system/edgefuse.service",
                "would write " + root + "/etc/edgefuse/io.edgefuse.node.cfg:", "    node.id = pi-7", "    executor = java",
                "would install " + root + "/etc/mosquitto/conf.d/edgefuse.conf", "would run: systemctl enable edgefuse.service")) {
            assertTrue(r.out().contains(planned), () -> "missing from the plan: " + planned + "\n" + r);
        }
        assertEquals(!GatewayPackage.TF_CLASSIFIER.equals("linux-arm64"), r.err().contains("no linux-arm64 TensorFlow native jar"), r::toString);
        // The .cfg files are 640: the service user reads them through the group, given after they are written.
        int cfg = r.out().indexOf("would write " + root + "/etc/edgefuse/io.edgefuse.node.cfg:");
        int chown = r.out().indexOf("would run: chown -R root:edgefuse /etc/edgefuse\n");
        assertTrue(cfg >= 0 && chown > cfg, r::toString);

        Result here = install("--root", root.toString(), "--dry-run", "--mosquitto", "production");
        assertEquals(0, here.exit(), here::toString);
        String arch = System.getProperty("os.arch");
        if (!arch.equals("aarch64")) {
            assertTrue(here.out().contains("(not arm64: a real install would be refused)"), here::toString);
        }
        // The production broker needs files only the operator can make: Mosquitto is left alone until they exist.
        assertTrue(here.err().contains("Mosquitto is configured but not restarted: create /etc/mosquitto/ca_certificates/edgefuse-ca.crt"), here::toString);
        assertTrue(here.out().contains("would install " + root + "/etc/mosquitto/edgefuse.acl"), here::toString);
        assertFalse(here.out().contains("restart mosquitto.service"), here::toString);
        assertEquals(Map.of(), snapshot(root));
    }

    @Test
    void badOptionsAreRefusedWithAMessageNamingThem() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        List<Map.Entry<List<String>, String>> cases = List.of(
                Map.entry(List.of("--broker", "gw:0"), "--broker 'gw:0': the port must be 1..65535"),
                Map.entry(List.of("--broker", "a b"), "--broker 'a b': the host must be a name or IPv4 address"),
                Map.entry(List.of("--node-id", "pi/1"), "--node-id 'pi/1' is not valid"),
                Map.entry(List.of("--executor", "gpu"), "--executor 'gpu' is not valid: use tf or java"),
                Map.entry(List.of("--mosquitto", "cloud"), "--mosquitto 'cloud' is not valid: use dev, lan or production"),
                Map.entry(List.of("--coordinator"), "--coordinator needs --models"),
                Map.entry(List.of("--models", "a, b"), "--models 'a, b': no spaces"),
                Map.entry(List.of("--trust", tmp.resolve("absent.pub").toString()), "absent.pub': no such file"),
                Map.entry(List.of("--trust", GatewayPackage.file("systemd/edgefuse.service").toString()), "is not a PEM public key"),
                Map.entry(List.of("--dist", tmp.resolve("nothing").toString()), "no distribution in"),
                Map.entry(List.of("--frobnicate"), "unknown option '--frobnicate'"));
        for (var c : cases) {
            List<String> args = new java.util.ArrayList<>(List.of("--root", root.toString()));
            args.addAll(c.getKey());
            Result r = install(args.toArray(String[]::new));
            assertEquals(2, r.exit(), () -> c.getKey() + "\n" + r);
            assertTrue(r.err().contains(c.getValue()), () -> c.getKey() + " should say: " + c.getValue() + "\n" + r);
            assertEquals(Map.of(), snapshot(root), () -> c.getKey() + " changed the root");
        }
        Result r = install("--root", tmp.resolve("missing").toString());
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("is not a folder"), r::toString);
    }

    @Test
    void scriptsPassShellcheck() throws Exception {
        assumeTrue(onPath("shellcheck"), "shellcheck is not installed (apt-get install shellcheck; scripts/setup.sh does)");
        Process p = new ProcessBuilder("shellcheck", "install.sh", "uninstall.sh", "edgefuse-cli")
                .directory(GatewayPackage.DIR.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        assertEquals("", out);
    }

    @Test
    void theUnitPassesSystemdAnalyzeAndStaysHardened() throws Exception {
        assumeTrue(onPath("systemd-analyze"), "systemd-analyze is not installed (Debian package systemd)");
        Path unit = GatewayPackage.file("systemd/edgefuse.service");
        Process verify = new ProcessBuilder("systemd-analyze", "verify", unit.toString()).redirectErrorStream(true).start();
        String out = new String(verify.getInputStream().readAllBytes());
        assertEquals(0, verify.waitFor(), out);
        assertEquals("", out, "systemd-analyze verify found problems");

        Process security = new ProcessBuilder("systemd-analyze", "security", "--offline=yes", "--no-pager", unit.toString())
                .redirectErrorStream(true).start();
        String report = new String(security.getInputStream().readAllBytes());
        security.waitFor();
        Matcher m = Pattern.compile("Overall exposure level for edgefuse.service: ([0-9.]+)").matcher(report);
        assertTrue(m.find(), report);
        // 3.2 when written; the JIT rules out MemoryDenyWriteExecute, so about 3 is as low as it goes.
        assertTrue(Double.parseDouble(m.group(1)) <= 3.5, "exposure " + m.group(1) + " (was 3.2): a hardening option went missing\n" + report);

        String text = Files.readString(unit);
        // The score moves little for one option (removing ProtectSystem= takes it from 3.2 to 3.4), so the
        // hardening is also checked line by line.
        for (String line : List.of("User=edgefuse", "Restart=on-failure", "StandardOutput=journal", "SuccessExitStatus=143",
                "RestartPreventExitStatus=2", "WantedBy=multi-user.target", "NoNewPrivileges=yes", "CapabilityBoundingSet=",
                "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes", "PrivateDevices=yes", "ProtectKernelTunables=yes",
                "ProtectKernelModules=yes", "ProtectControlGroups=yes", "RestrictNamespaces=yes", "RestrictSUIDSGID=yes",
                "LockPersonality=yes", "SystemCallArchitectures=native", "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK")) {
            assertTrue(text.lines().anyMatch(line::equals), "missing: " + line);
        }
        assertFalse(text.lines().anyMatch(l -> l.startsWith("MemoryDenyWriteExecute=")), "the JVM's JIT needs W+X memory");
    }

    /** Every absolute path in ExecStart= that the install makes exists below root (runtime folders: their parent). */
    private static void assertUnitPathsExistBelow(Path root, String unit) {
        String exec = unit.lines().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
        Matcher m = Pattern.compile("(/(?:opt|etc|var)/edgefuse[^\\s*]*|/var/(?:lib|cache)/edgefuse[^\\s*]*)").matcher(exec);
        int seen = 0;
        while (m.find()) {
            Path p = root.resolve(m.group(1).substring(1));
            assertTrue(Files.exists(p) || Files.isDirectory(p.getParent()), "ExecStart names " + m.group(1) + ", not installed");
            seen++;
        }
        assertTrue(seen >= 4, exec);
        assertTrue(exec.contains(" -cp /opt/edgefuse/lib/* io.edgefuse.runtime.cli.Main gateway --conf /etc/edgefuse --dist /opt/edgefuse "), exec);
    }

    /** An Ed25519 public key as PEM (X.509), the form edgefuse keys generate writes. */
    private static Path publicKeyPem(Path file) throws Exception {
        byte[] der = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic().getEncoded();
        String b64 = java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der);
        return Files.writeString(file, "-----BEGIN PUBLIC KEY-----\n" + b64 + "\n-----END PUBLIC KEY-----\n");
    }

    private static Map<String, String> jarSizes(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            Map<String, String> m = new HashMap<>();
            for (Path p : (Iterable<Path>) s::iterator) {
                if (p.toString().endsWith(".jar")) m.put(p.getFileName().toString(), Files.size(p) + "");
            }
            return m;
        }
    }

    static Map<String, String> cfg(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        Map<String, String> m = new HashMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
        return m;
    }

    static boolean onPath(String command) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, command)));
    }
}
