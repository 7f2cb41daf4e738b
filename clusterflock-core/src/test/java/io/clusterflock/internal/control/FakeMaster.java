package io.clusterflock.internal.control;

import io.clusterflock.ExitStatus;
import io.clusterflock.SlotInfo;
import io.clusterflock.WorkerInfo;
import io.clusterflock.WorkerState;
import io.clusterflock.internal.supervisor.Input;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A master with fixed snapshots that records what it is asked: slot 0 ready, slot 1 starting, a
 * draining worker of slot 2's old generation, slot 3 backing off after exiting with code 3.
 */
final class FakeMaster implements ControlledMaster {
    final List<Input> submitted = new CopyOnWriteArrayList<>();
    final CompletableFuture<Integer> stopped = new CompletableFuture<>();
    List<WorkerInfo> workers = new ArrayList<>(List.of(
            new WorkerInfo(0, 4712, 1, WorkerState.READY, Duration.ofSeconds(192), 0, Optional.empty(), 1234),
            new WorkerInfo(1, 4713, 1, WorkerState.STARTING, Duration.ofMillis(800), 2,
                    Optional.of(ExitStatus.killed(9)), -1),
            new WorkerInfo(2, 4700, 0, WorkerState.STOPPING, Duration.ofHours(2).plusMinutes(5), 0, Optional.empty(), 99),
            new WorkerInfo(2, 4714, 1, WorkerState.READY, Duration.ofSeconds(3), 0, Optional.empty(), 0)));
    List<SlotInfo> slots = new ArrayList<>(List.of(
            new SlotInfo(0, 1, Optional.empty(), 0, Optional.empty()),
            new SlotInfo(1, 1, Optional.empty(), 2, Optional.of(new SlotInfo.LastExit(ExitStatus.killed(9), "hung: no heartbeat for 5s"))),
            new SlotInfo(2, 1, Optional.empty(), 0, Optional.empty()),
            new SlotInfo(3, 1, Optional.of(Duration.ofMillis(3_200)), 4,
                    Optional.of(new SlotInfo.LastExit(ExitStatus.exited(3), "exited unexpectedly")))));

    @Override
    public long pid() {
        return 4711;
    }

    @Override
    public String name() {
        return "default";
    }

    @Override
    public Duration uptime() {
        return Duration.ofMinutes(3).plusSeconds(12);
    }

    @Override
    public InetSocketAddress address() {
        return new InetSocketAddress(5000);
    }

    @Override
    public String displayAddress() {
        return "*:5000";
    }

    @Override
    public int generation() {
        return 1;
    }

    @Override
    public List<WorkerInfo> workers() {
        return workers;
    }

    @Override
    public List<SlotInfo> slots() {
        return slots;
    }

    @Override
    public OptionalLong rss(long pid) {
        return pid == 4713 ? OptionalLong.empty() : OptionalLong.of(50_541_363L);
    }

    @Override
    public Duration stopTimeout() {
        return Duration.ofSeconds(10);
    }

    @Override
    public void submit(Input input) {
        submitted.add(input);
    }

    @Override
    public CompletableFuture<Integer> stopped() {
        return stopped;
    }
}
