package io.clusterflock.cli;

import io.clusterflock.control.ControlCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code clusterflock restart}: a rolling restart, one slot at a time. */
@Command(name = "restart", mixinStandardHelpOptions = true,
        description = "A new generation one slot at a time; each old worker drains once its replacement is ready (like SIGHUP).")
final class RestartCommand implements Callable<Integer> {
    @Mixin
    NameOption cluster;

    @Override
    public Integer call() {
        return ControlCall.send(cluster.name, new ControlCommand.Restart());
    }
}
