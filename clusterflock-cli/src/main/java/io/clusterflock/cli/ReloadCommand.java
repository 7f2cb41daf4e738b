package io.clusterflock.cli;

import io.clusterflock.control.ControlCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code clusterflock reload}: a new generation on every slot at once. */
@Command(name = "reload", mixinStandardHelpOptions = true,
        description = "A new generation on every slot at once; each old worker drains once its replacement is ready (like SIGUSR2).")
final class ReloadCommand implements Callable<Integer> {
    @Mixin
    NameOption cluster;

    @Override
    public Integer call() {
        return ControlCall.send(cluster.name, new ControlCommand.Reload());
    }
}
