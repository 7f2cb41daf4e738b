package io.clusterflock.metrics;

import io.clusterflock.SlotInfo;
import io.clusterflock.WorkerInfo;
import io.clusterflock.spi.ClusterView;
import java.util.ArrayList;
import java.util.List;

/** A cluster view a test sets as it likes, as the supervisor publishes one after its turns. */
final class FakeCluster implements ClusterView {
    List<WorkerInfo> workers = new ArrayList<>();
    List<SlotInfo> slots = new ArrayList<>();
    int generation;

    @Override
    public List<WorkerInfo> workers() {
        return List.copyOf(workers);
    }

    @Override
    public List<SlotInfo> slots() {
        return List.copyOf(slots);
    }

    @Override
    public int generation() {
        return generation;
    }
}
