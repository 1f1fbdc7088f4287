package io.edgefuse.runtime.cli;

import io.edgefuse.protocol.ota.KeyFiles;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "keys", mixinStandardHelpOptions = true, subcommands = KeysCommand.Generate.class,
        description = {"Signing keys for over-the-air updates (Ed25519). See docs/operations.md."})
final class KeysCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = {"Writes a new Ed25519 key pair: DIR/edgefuse-ota.key (PKCS#8 PEM, mode 600: keep it off the gateways)"
                    + " and DIR/edgefuse-ota.pub (X.509 PEM: give it to nodes as ota.trusted.keys / --trust). Prints the key id."
                    + " Never overwrites an existing key."})
    static final class Generate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--out", required = true, description = "Folder for the two files (created if missing).")
        Path out;

        @Override
        public Integer call() throws Exception {
            String id = KeyFiles.generate(out);
            spec.commandLine().getOut().println("key " + id + ": private " + out.resolve(KeyFiles.PRIVATE_FILE) + ", public " + out.resolve(KeyFiles.PUBLIC_FILE));
            return 0;
        }
    }
}
