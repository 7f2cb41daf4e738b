package io.clusterflock.cli;

import io.clusterflock.internal.util.Signals;

import io.clusterflock.ClusterOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code clusterflock run [options] -- COMMAND [ARGS...]}: any program that serves an inherited socket. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs COMMAND as a cluster of workers that share one listening socket.",
            "Each worker gets the socket at fd 0 (Java: System.inheritedChannel()) and at fd 3 with "
                + "LISTEN_FDS=1 (systemd style), and CLUSTERFLOCK_WORKER_ID / WORKER_ID."},
        footer = {"", "Signals to the master: TERM graceful stop, INT immediate stop, HUP rolling restart,",
            "USR2 reload, TTIN one worker more, TTOU one fewer."})
final class RunCommand implements Callable<Integer> {
    @Mixin
    ClusterFlags flags;

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The worker program and its arguments.")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() {
        if (command.isEmpty()) {
            throw new OperatorError("no command given; usage: clusterflock run [options] -- COMMAND [ARGS...]");
        }
        return MasterRunner.run(flags.build(ClusterOptions.builder().command(command)));
    }
}
