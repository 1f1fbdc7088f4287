package io.edgefuse.osgi;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Runs a distribution folder until the framework stops (Gogo {@code stop 0}, SIGTERM via Felix's shutdown
 * hook). Usage: {@code java -cp 'lib/*' io.edgefuse.osgi.FelixMain <dist> [--interactive]}.
 * The CLI will call {@link FelixLauncher} directly; this entry point is for gateways and manual checks.
 */
public final class FelixMain {
    private FelixMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: FelixMain <dist-folder> [--interactive]");
            System.exit(2);
        }
        boolean interactive = args.length > 1 && args[1].equals("--interactive");
        FelixLauncher launcher = new FelixLauncher(LauncherConfig.distribution(Path.of(args[0]), interactive));
        StartReport report = launcher.start();
        if (report.ok()) System.out.println(report); // problems were already logged by the launcher
        // Felix's own shutdown hook stops the framework on SIGTERM; wait for that (or Gogo's "stop 0").
        launcher.context().getBundle(0).adapt(org.osgi.framework.launch.Framework.class).waitForStop(0);
        boolean stopped = launcher.stop(Duration.ofSeconds(30));
        // The Gogo shell's console thread can stay blocked reading stdin after its bundle stopped.
        System.exit(stopped ? 0 : 1);
    }
}
