package io.clusterflock.spi;

import io.clusterflock.SlotInfo;
import io.clusterflock.WorkerInfo;
import java.util.List;

/**
 * The cluster as the supervisor last published it, for a reader on another thread (a scrape):
 * each call returns a consistent snapshot taken after one of the supervisor's turns.
 */
public interface ClusterView {

    /** Every worker process, starting and stopping ones included, as {@code Cluster.workers()}. */
    List<WorkerInfo> workers();

    /** Every slot, with its respawn delay and its requests served, as {@code Cluster.slots()}. */
    List<SlotInfo> slots();

    /** The generation that serves, as {@code Cluster.generation()}. */
    int generation();
}
