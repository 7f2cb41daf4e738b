package io.clusterflock.internal.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clusterflock.ExitStatus;
import io.clusterflock.ReadyWhen;
import io.clusterflock.SlotInfo;
import io.clusterflock.internal.util.Signals;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * A slot's requests served, as the snapshot publishes it: a counter over the slot's successive
 * processes, which a respawn, a reload or a scale-down never takes down.
 */
class ServedRequestsTest extends SupervisorFixture {

    private OptionalLong served(int slot) {
        return supervisor.slotSnapshot().stream().filter(s -> s.id() == slot).findFirst()
                .map(SlotInfo::served).orElseThrow();
    }

    @Test
    void aSlotWhoseWorkersNeverReportHasNoCount() {
        start(1);
        input(new Input.WorkerHeartbeat(processes.last().pid(), -1)); // alive, counts nothing
        assertEquals(OptionalLong.empty(), served(0));
    }

    @Test
    void whatAKilledWorkerServedStaysInItsSlotsCount() {
        start(2);
        long first = processes.spawns.get(0).pid();
        input(new Input.WorkerHeartbeat(first, 100));
        input(new Input.WorkerHeartbeat(processes.spawns.get(1).pid(), 7));
        assertEquals(OptionalLong.of(100), served(0));

        clock.advance(Duration.ofMinutes(5)); // up long enough to be re-forked at once
        exit(first, ExitStatus.killed(Signals.KILL));
        assertEquals(OptionalLong.of(100), served(0), "the last count of the dead worker, before its replacement reports");
        assertEquals(0, processes.last().id());
        input(new Input.WorkerHeartbeat(processes.last().pid(), 5));
        assertEquals(OptionalLong.of(105), served(0));
        assertEquals(OptionalLong.of(7), served(1), "each slot its own");
    }

    @Test
    void duringAReloadTheSlotCountsBothGenerationsAndNeverGoesDown() {
        start(1, b -> b.readyWhen(ReadyWhen.LISTENING));
        long old = processes.last().pid();
        input(new Input.WorkerListening(old));
        input(new Input.WorkerHeartbeat(old, 200));
        input(new Input.Reload(false));
        long fresh = processes.last().pid();
        input(new Input.WorkerListening(fresh));
        assertEquals(List.of(old), processes.signalled(Signals.TERM));
        input(new Input.WorkerHeartbeat(fresh, 10));
        input(new Input.WorkerHeartbeat(old, 203)); // the draining one finishes its last requests
        assertEquals(OptionalLong.of(213), served(0));

        exit(old, ExitStatus.exited(0));
        assertEquals(OptionalLong.of(213), served(0));
        input(new Input.WorkerHeartbeat(fresh, 4)); // a beat read before a later one: counts only grow
        assertEquals(OptionalLong.of(213), served(0));
        input(new Input.WorkerHeartbeat(fresh, 30));
        assertEquals(OptionalLong.of(233), served(0));
    }

    @Test
    void aSlotIdThatComesBackAfterAScaleDownContinuesItsCount() {
        start(2);
        long second = processes.spawns.get(1).pid();
        input(new Input.WorkerHeartbeat(second, 50));
        input(new Input.Resize(1));
        assertEquals(List.of(0), supervisor.slotSnapshot().stream().map(SlotInfo::id).toList());
        input(new Input.WorkerHeartbeat(second, 60)); // still draining, its slot gone
        exit(second, ExitStatus.exited(0));

        input(new Input.Resize(2));
        assertEquals(1, processes.last().id());
        assertEquals(OptionalLong.of(60), served(1));
        input(new Input.WorkerHeartbeat(processes.last().pid(), 1));
        assertEquals(OptionalLong.of(61), served(1));
    }
}
