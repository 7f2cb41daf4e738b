package io.clusterflock.cli;

import io.clusterflock.control.ControlCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code clusterflock status [--json]}: the master and one row per worker. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Shows a running cluster: the master, then one row per worker.",
            "Each row: slot, pid, generation, state, uptime, restarts, resident memory, requests served,",
            "and how the slot's previous worker ended."})
final class StatusCommand implements Callable<Integer> {
    @Mixin
    NameOption cluster;

    @Option(names = "--json", description = "One JSON object instead of the table (fields: docs/OPERATIONS.md).")
    boolean json;

    @Option(names = "--sticky-for", paramLabel = "ADDRESS",
            description = "With --sticky: which slot the connections of this client address go to.")
    String stickyFor;

    @Override
    public Integer call() {
        if (stickyFor != null) {
            try {
                return ControlCall.send(cluster.name, new ControlCommand.StickyFor(stickyFor));
            } catch (IllegalArgumentException e) {
                throw new OperatorError("--sticky-for: " + e.getMessage());
            }
        }
        return ControlCall.send(cluster.name, new ControlCommand.Status(json));
    }
}
