package io.clusterflock.cli;

import io.clusterflock.control.ControlCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code clusterflock kill}: immediate shutdown. */
@Command(name = "kill", mixinStandardHelpOptions = true,
        description = "Immediate shutdown: every worker is killed at once; returns once the cluster is gone (like SIGINT).")
final class KillCommand implements Callable<Integer> {
    @Mixin
    NameOption cluster;

    @Override
    public Integer call() {
        return ControlCall.send(cluster.name, new ControlCommand.Kill());
    }
}
