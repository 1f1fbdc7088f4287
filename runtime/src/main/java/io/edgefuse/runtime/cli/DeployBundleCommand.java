package io.edgefuse.runtime.cli;

import io.edgefuse.protocol.ota.KeyFiles;
import io.edgefuse.protocol.ota.Manifest;
import io.edgefuse.runtime.ota.ArtifactPush;
import io.edgefuse.runtime.ota.OtaClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.jar.JarInputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "deploy-bundle", mixinStandardHelpOptions = true,
        description = {"Deploys an OSGi bundle over the air to gateways (nodes running in `edgefuse gateway`): signs and publishes it,"
                + " and each target installs or updates it in its Felix without restarting the JVM. A bundle that does not resolve"
                + " or start is rolled back to the jar it replaced, and reported. The artifact is named by the jar's"
                + " Bundle-SymbolicName and Bundle-Version: a changed jar needs a new version. Exit 0 when every target runs it."})
final class DeployBundleCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    OtaOptions ota;

    @Option(names = "--jar", required = true, description = "The bundle jar.")
    Path jar;

    @Option(names = "--key", required = true, description = "Private signing key (edgefuse-ota.key; the .pub must sit next to it).")
    Path key;

    @Option(names = "--chunk-kib", defaultValue = "256", description = "Chunk size in KiB. Default: ${DEFAULT-VALUE}.")
    int chunkKib;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (!Files.isRegularFile(jar)) throw new IllegalArgumentException(jar + " is not a file");
        String[] id = identity(jar);
        KeyFiles.SigningKey k = KeyFiles.readSigningKey(key);
        BrokerAddress b = ota.mqtt.address();
        try (OtaClient c = new OtaClient(b.host(), b.port(), ota.mqtt.topics().root())) {
            ArtifactPush.Result r = ArtifactPush.push(c, k, Manifest.Kind.BUNDLE, id[0], id[1], Files.readAllBytes(jar), ota.nodes,
                    OtaOptions.chunkSize(chunkKib), Duration.ofSeconds(ota.timeoutSeconds), s -> {
                        out.println(s);
                        out.flush();
                    });
            return PushModelCommand.report(out, spec.commandLine().getErr(), r);
        }
    }

    /** {Bundle-SymbolicName, Bundle-Version} as OSGi normalises them (1.0 -> 1.0.0). */
    static String[] identity(Path jar) throws IOException {
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            java.util.jar.Manifest mf = in.getManifest();
            String bsn = mf == null ? null : mf.getMainAttributes().getValue("Bundle-SymbolicName");
            if (bsn == null) throw new IllegalArgumentException(jar + " is not an OSGi bundle (no Bundle-SymbolicName in its manifest)");
            String v = mf.getMainAttributes().getValue("Bundle-Version");
            return new String[] {bsn.split(";")[0].trim(), org.osgi.framework.Version.parseVersion(v == null ? "0.0.0" : v.trim()).toString()};
        }
    }
}
