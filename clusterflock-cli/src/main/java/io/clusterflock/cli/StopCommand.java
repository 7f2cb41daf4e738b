package io.clusterflock.cli;

import io.clusterflock.control.ControlCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code clusterflock stop}: graceful shutdown, returning when the cluster is gone. */
@Command(name = "stop", mixinStandardHelpOptions = true,
        description = "Graceful shutdown: workers drain, those still running after the timeout are killed; returns once the cluster is gone (like SIGTERM).")
final class StopCommand implements Callable<Integer> {
    @Mixin
    NameOption cluster;

    @Override
    public Integer call() {
        return ControlCall.send(cluster.name, new ControlCommand.Stop());
    }
}
