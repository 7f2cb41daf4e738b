package io.clusterflock.internal.master;

import io.clusterflock.ClusterOptions;
import io.clusterflock.SlotInfo;
import io.clusterflock.WorkerInfo;
import io.clusterflock.internal.control.ControlledMaster;
import io.clusterflock.internal.os.Processes;
import io.clusterflock.internal.supervisor.Input;
import io.clusterflock.internal.supervisor.RolloutState;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/** What the control socket sees of a {@link Master}: its snapshots, its queue, and a few facts. */
record MasterControl(Master master, ClusterOptions options, long startedAt) implements ControlledMaster {
    private static final long PID = ProcessHandle.current().pid();

    @Override
    public long pid() {
        return PID;
    }

    @Override
    public String name() {
        return options.name();
    }

    @Override
    public Duration uptime() {
        return Duration.ofNanos(System.nanoTime() - startedAt);
    }

    @Override
    public InetSocketAddress address() {
        return master.address();
    }

    @Override
    public String displayAddress() {
        return master.displayAddress();
    }

    @Override
    public String balance() {
        return master.balance();
    }

    @Override
    public java.util.Optional<String> stickySlot(java.net.InetAddress client) {
        return master.stickySlot(client);
    }

    @Override
    public RolloutState rollout() {
        return master.rollout();
    }

    @Override
    public List<WorkerInfo> workers() {
        return master.workers();
    }

    @Override
    public List<SlotInfo> slots() {
        return master.slots();
    }

    @Override
    public OptionalLong rss(long pid) {
        return Processes.residentMemory(pid);
    }

    @Override
    public OptionalLong heapLimit(long pid) {
        return io.clusterflock.internal.os.HeapLimit.of(pid);
    }

    @Override
    public Duration stopTimeout() {
        return options.timeout();
    }

    @Override
    public void submit(Input input) {
        master.submit(input);
    }

    @Override
    public CompletableFuture<Integer> stopped() {
        return master.stopped();
    }
}
