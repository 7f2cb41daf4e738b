package io.clusterflock.cli;

import io.clusterflock.ClusterOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code clusterflock run [options] -- COMMAND [ARGS...]}: any program that serves an inherited socket. */
@Command(name = "run", mixinStandardHelpOptions = true, modelTransformer = ClusterFlags.class,
        description = {"Runs COMMAND as a cluster of workers that share one listening socket.",
            "Each worker gets the socket at fd 0 (Java: System.inheritedChannel()) and at fd 3 with "
                + "LISTEN_FDS=1 (systemd style), and CLUSTERFLOCK_WORKER_ID / WORKER_ID."},
        footer = {"", "Signals to the master:",
            "  TERM  graceful stop: workers drain, then exit",
            "  INT   immediate stop",
            "  HUP   rolling restart, one worker at a time",
            "  USR2  reload: all workers at once, old ones drain once new ones are ready",
            "  TTIN  one worker more",
            "  TTOU  one worker fewer"})
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The worker program and its arguments.")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() {
        if (command.isEmpty()) {
            throw new OperatorError("no command given; usage: clusterflock run [options] -- COMMAND [ARGS...]");
        }
        return MasterRunner.run(ClusterFlags.build(spec.commandLine().getParseResult(), ClusterOptions.builder().command(command)));
    }
}
