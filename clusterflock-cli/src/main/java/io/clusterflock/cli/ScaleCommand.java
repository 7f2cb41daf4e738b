package io.clusterflock.cli;

import io.clusterflock.control.ControlCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code clusterflock scale N}: keep N workers. */
@Command(name = "scale", mixinStandardHelpOptions = true,
        description = "Keeps N workers: new ones take the lowest free slots, the least recently forked go first.")
final class ScaleCommand implements Callable<Integer> {
    @Mixin
    NameOption cluster;

    @Parameters(paramLabel = "N", description = "How many workers, from 1 to 1024.")
    String workers;

    @Override
    public Integer call() {
        ControlCommand command;
        try {
            command = ControlCommand.parse("scale " + workers);
        } catch (IllegalArgumentException e) {
            throw new OperatorError(e.getMessage());
        }
        return ControlCall.send(cluster.name, command);
    }
}
