package io.clusterflock.internal.control;

import io.clusterflock.EndCause;
import io.clusterflock.SlotInfo;
import io.clusterflock.WorkerExit;
import io.clusterflock.WorkerInfo;
import io.clusterflock.internal.supervisor.RolloutState;
import io.clusterflock.internal.util.Signals;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What {@code status} shows, taken once: the master, then one row per worker process (starting,
 * ready, being replaced, draining or being killed) and one per slot that has no worker because it
 * waits out a respawn delay. A worker's heap is its JVM's limit ({@code MaxHeapSize}), read from
 * the JVM's performance data; none for a worker that is not a JVM.
 */
record StatusReport(MasterRow master, List<Row> rows) {

    /**
     * The master; {@code workers} is how many it keeps (its slots), {@code rollout} which
     * generation serves and what became of the newest.
     */
    record MasterRow(long pid, String name, Duration uptime, String listening, int port, String balance,
                     RolloutState rollout, int workers) {}

    /** One worker, or one slot backing off ({@code pid} empty, {@code respawnIn} present). */
    record Row(int slot, OptionalLong pid, int generation, State state, Optional<EndCause> ending, Optional<Duration> respawnIn,
               Optional<Duration> uptime, int restarts, OptionalLong rss, OptionalLong heap, OptionalLong requests,
               Optional<WorkerExit> lastExit) {}

    enum State {
        STARTING("starting"), READY("ready"), REPLACING("replacing"), DRAINING("draining"), KILLING("killing"),
        BACKING_OFF("backing off");

        final String label;

        State(String label) {
            this.label = label;
        }
    }

    static StatusReport of(ControlledMaster master) {
        List<SlotInfo> slots = master.slots();
        Map<Integer, SlotInfo> slotById = slots.stream().collect(Collectors.toMap(SlotInfo::id, Function.identity()));
        List<Row> rows = new ArrayList<>();
        for (WorkerInfo worker : master.workers()) {
            rows.add(workerRow(worker, Optional.ofNullable(slotById.get(worker.id())), master.rss(worker.pid()),
                    master.heapLimit(worker.pid())));
        }
        for (SlotInfo slot : slots) {
            slot.respawnIn().ifPresent(delay -> rows.add(backingOff(slot, delay)));
        }
        rows.sort(Comparator.comparingInt(Row::slot).thenComparingInt(Row::generation));
        return new StatusReport(new MasterRow(master.pid(), master.name(), master.uptime(), master.displayAddress(),
                master.address().getPort(), master.balance(), master.rollout(), slots.size()), List.copyOf(rows));
    }

    private static Row workerRow(WorkerInfo worker, Optional<SlotInfo> slot, OptionalLong rss, OptionalLong heap) {
        State state = switch (worker.state()) {
            case STARTING -> State.STARTING;
            case READY -> State.READY;
            case REPLACING -> State.REPLACING;
            case STOPPING -> State.DRAINING;
            case KILLING -> State.KILLING;
        };
        return new Row(worker.id(), OptionalLong.of(worker.pid()), worker.generation(), state, worker.ending(),
                Optional.empty(), Optional.of(worker.uptime()), worker.restarts(), rss, heap, worker.requests(),
                slot.flatMap(SlotInfo::lastExit).or(worker::lastExit));
    }

    private static Row backingOff(SlotInfo slot, Duration delay) {
        return new Row(slot.id(), OptionalLong.empty(), slot.generation(), State.BACKING_OFF, Optional.empty(),
                Optional.of(delay), Optional.empty(), slot.restarts(), OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(),
                slot.lastExit());
    }

    /** "code 3 (exited unexpectedly)", "SIGKILL (hung: no heartbeat for 5s)". */
    static String exitText(WorkerExit exit) {
        String how = exit.status().bySignal() ? "SIG" + Signals.name(exit.status().signal()) : "code " + exit.status().code();
        return how + " (" + exit.cause().describe() + ")";
    }
}
