package io.edgefuse.runtime.cli;

import io.edgefuse.model.ModelException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The `edgefuse` command: one verb per job; `edgefuse help VERB` explains each. */
@Command(name = "edgefuse", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Parallel CNN inference across an edge cluster: models, partitioning checks and benchmarks.",
        subcommands = {CommandLine.HelpCommand.class, ModelsCommand.class, CheckPartitionCommand.class, BenchCommand.class,
                SimulateCommand.class, ScenariosCommand.class, CostCheckCommand.class,
                BrokerCommand.class, CoordinatorCommand.class, InferCommand.class, NodeCommand.class, GatewayCommand.class, DemoCommand.class,
                PruneCommand.class,
                KeysCommand.class, PushModelCommand.class, RollbackModelCommand.class, StatusCommand.class, DeployBundleCommand.class,
                TrainCommand.class,
                EvaluateCommand.class,
                PruneCompareCommand.class,
                BenchPrunedCommand.class,
                ClusterCommand.class,
                BenchOtaCommand.class})
public final class Main {

    static {
        // HiveMQ's jar ships its own logback.xml; name ours explicitly so logging is configured once, our way.
        if (System.getProperty("logback.configurationFile") == null) System.setProperty("logback.configurationFile", "edgefuse-logback.xml");
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The configured command line (also used by tests to capture output). */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof ModelException || ex instanceof IllegalArgumentException || ex instanceof io.edgefuse.runtime.testbed.TestbedException) {
                cmd.getErr().println("edgefuse " + cmd.getCommandName() + ": " + ex.getMessage());
                return 3;
            }
            if (ex instanceof CommandFailedException) {
                cmd.getErr().println("edgefuse " + cmd.getCommandName() + ": " + ex.getMessage());
                return 1;
            }
            throw ex;
        });
        return cl;
    }
}
