package io.clusterflock.internal.control;

import io.clusterflock.EndCause;
import io.clusterflock.ExitStatus;
import io.clusterflock.WorkerExit;
import io.clusterflock.internal.supervisor.RolloutState;
import java.time.Instant;
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
    String balance = "shared";
    java.util.function.Function<java.net.InetAddress, java.util.Optional<String>> stickySlot = address -> java.util.Optional.empty();
    final List<Input> submitted = new CopyOnWriteArrayList<>();
    final CompletableFuture<Integer> stopped = new CompletableFuture<>();
    static final WorkerExit HUNG = new WorkerExit(1, 4710, 1, ExitStatus.killed(9), new EndCause.Hung(Duration.ofSeconds(5)),
            Duration.ofMinutes(1));
    static final WorkerExit CRASHED = new WorkerExit(3, 4709, 1, ExitStatus.exited(3), new EndCause.Unexpected(),
            Duration.ofSeconds(1));
    List<WorkerInfo> workers = new ArrayList<>(List.of(
            worker(0, 4712, 1, WorkerState.READY, Optional.empty(), Duration.ofSeconds(192), 0, Optional.empty(), OptionalLong.of(1234)),
            worker(1, 4713, 1, WorkerState.STARTING, Optional.empty(), Duration.ofMillis(800), 2, Optional.of(HUNG),
                    OptionalLong.empty()),
            worker(2, 4700, 0, WorkerState.STOPPING, Optional.of(new EndCause.Replaced(1, false)),
                    Duration.ofHours(2).plusMinutes(5), 0, Optional.empty(), OptionalLong.of(99)),
            worker(2, 4714, 1, WorkerState.READY, Optional.empty(), Duration.ofSeconds(3), 0, Optional.empty(), OptionalLong.of(0))));
    List<SlotInfo> slots = new ArrayList<>(List.of(
            new SlotInfo(0, 1, Optional.empty(), 0, Optional.empty(), OptionalLong.of(1234)),
            new SlotInfo(1, 1, Optional.empty(), 2, Optional.of(HUNG), OptionalLong.empty()),
            new SlotInfo(2, 1, Optional.empty(), 0, Optional.empty(), OptionalLong.of(99)),
            new SlotInfo(3, 1, Optional.of(Instant.now().plusMillis(3_250)), 4, Optional.of(CRASHED),
                    OptionalLong.empty())));
    RolloutState rollout = new RolloutState(1, 1, false, false, Optional.empty());

    /** A worker forked {@code uptime} ago, give or take the time the test takes. */
    private static WorkerInfo worker(int id, long pid, int generation, WorkerState state, Optional<EndCause> ending,
                                     Duration uptime, int restarts, Optional<WorkerExit> lastExit, OptionalLong requests) {
        return new WorkerInfo(id, pid, generation, state, ending, Instant.now().minus(uptime).minusMillis(500), restarts,
                lastExit, requests);
    }

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
    public String balance() {
        return balance;
    }

    @Override
    public java.util.Optional<String> stickySlot(java.net.InetAddress client) {
        return stickySlot.apply(client);
    }

    @Override
    public RolloutState rollout() {
        return rollout;
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
    public OptionalLong heapLimit(long pid) {
        return pid == 4712 ? OptionalLong.of(132_120_576L) : OptionalLong.empty();
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
