package io.clusterflock.it;

import io.clusterflock.Cluster;
import io.clusterflock.ClusterEvent;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A program that starts a cluster with a plain {@code Cluster.start} and sets up no logging of its
 * own: the master's event lines should reach stderr one line each, as the CLI writes them. It waits
 * for its worker to be ready, reloads once (and waits for that to be done), then shuts down.
 */
public final class PlainClusterStart {
    private PlainClusterStart() {}

    public static void main(String[] args) throws Exception {
        CountDownLatch ready = new CountDownLatch(1);
        Cluster cluster = Cluster.start(o -> o.command("sleep", "60").workers(1).port(0)
                .onEvent(event -> {
                    if (event instanceof ClusterEvent.Ready) {
                        ready.countDown();
                    }
                }));
        if (!ready.await(30, TimeUnit.SECONDS)) {
            System.exit(3);
        }
        int generation = cluster.reload().get(30, TimeUnit.SECONDS);
        System.out.println("reloaded to generation " + generation);
        System.exit(cluster.shutdown().get(30, TimeUnit.SECONDS));
    }
}
