package io.clusterflock.cli;

import io.clusterflock.Cluster;
import io.clusterflock.ClusterException;
import io.clusterflock.ClusterOptions;

/** Starts a master in this process and waits until it has stopped. */
final class MasterRunner {
    private MasterRunner() {}

    /** @return the master's exit code: 0 after a graceful shutdown, 1 after an immediate one */
    static int run(ClusterOptions options) {
        Cluster cluster;
        try {
            cluster = Cluster.start(options);
        } catch (ClusterException e) {
            throw new OperatorError(e.getMessage());
        }
        return cluster.onExit().join();
    }
}
