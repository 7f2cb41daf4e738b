package io.clusterflock.internal.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clusterflock.ClusterEvent;
import io.clusterflock.EndCause;
import io.clusterflock.ExitStatus;
import io.clusterflock.WorkerInfo;
import io.clusterflock.internal.util.Signals;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A graceful shutdown's steps: the delay (serving as usual), the closed door (the backlog taken), the drain. */
class ShutdownTest extends SupervisorFixture {

    @Test
    void duringTheDelayWorkersServeOnAndAreReforkedThenTheyDrain() {
        start(2, b -> b.shutdownDelay(Duration.ofSeconds(5)));
        List<Long> pids = pids();
        long asked = clock.now;
        input(new Input.SignalReceived(Signals.TERM));
        ClusterEvent.Shutdown shutdown = eventsOf(ClusterEvent.Shutdown.class).getFirst();
        assertEquals(Duration.ofSeconds(5), shutdown.delay());
        assertEquals(List.of(), processes.signalled(Signals.TERM), "nobody drains during the delay");
        clock.advance(Duration.ofSeconds(2));
        exit(pids.get(1), ExitStatus.killed(Signals.KILL));
        runToNextDeadline(); // its respawn delay
        assertEquals(3, processes.spawns.size(), "a worker that dies during the delay is re-forked");
        CompletableFuture<Integer> reload = new CompletableFuture<>();
        input(new Input.Reload(false, reload));
        assertEquals("reload", eventsOf(ClusterEvent.Declined.class).getLast().request());
        while (processes.signalled(Signals.TERM).isEmpty()) {
            runToNextDeadline();
        }
        assertEquals(Duration.ofSeconds(5), Duration.ofNanos(clock.now - asked));
        assertEquals(pids().stream().sorted().toList(), processes.signalled(Signals.TERM).stream().sorted().toList());
        assertEquals(new EndCause.Shutdown("SIGTERM"), pid(pids.get(0)).ending().orElseThrow());
    }

    @Test
    void aSecondTermCutsTheDelayShort() {
        start(2, b -> b.shutdownDelay(Duration.ofMinutes(5)));
        input(new Input.SignalReceived(Signals.TERM));
        assertEquals(List.of(), processes.signalled(Signals.TERM));
        input(new Input.SignalReceived(Signals.TERM));
        assertEquals(2, processes.signalled(Signals.TERM).size());
        assertEquals(List.of(), eventsOf(ClusterEvent.Declined.class));
    }

    @Test
    void anInterruptDuringTheDelayKillsAtOnce() {
        start(2, b -> b.shutdownDelay(Duration.ofMinutes(5)));
        input(new Input.SignalReceived(Signals.TERM));
        input(new Input.SignalReceived(Signals.INT));
        assertEquals(2, processes.signalled(Signals.KILL).size());
        for (long pid : List.copyOf(processes.alive)) {
            exit(pid, ExitStatus.killed(Signals.KILL));
        }
        assertTrue(supervisor.finished());
        assertEquals(1, supervisor.exitCode());
    }

    @Test
    void theDoorClosesThenWorkersDrainOnceTheKernelHoldsNothing() {
        processes.hasDoor = true;
        processes.waiting = 3;
        start(2);
        input(new Input.SignalReceived(Signals.TERM));
        assertEquals(3, eventsOf(ClusterEvent.Closing.class).getFirst().waiting());
        assertTrue(processes.calls.contains("close door"));
        for (int poll = 0; poll < 10; poll++) {
            runToNextDeadline();
        }
        assertEquals(List.of(), processes.signalled(Signals.TERM), "workers take the accepted connections first");
        processes.waiting = 0;
        runToNextDeadline();
        assertEquals(2, processes.signalled(Signals.TERM).size());
    }

    @Test
    void theDoorWaitsAtMostTheTimeout() {
        processes.hasDoor = true;
        processes.waiting = 1;
        start(1, b -> b.timeout(Duration.ofSeconds(2)));
        long closed = clock.now;
        input(new Input.SignalReceived(Signals.TERM));
        while (processes.signalled(Signals.TERM).isEmpty()) {
            runToNextDeadline();
        }
        assertEquals(Duration.ofSeconds(2).toMillis(), Duration.ofNanos(clock.now - closed).toMillis(), 25);
    }

    @Test
    void withNoServingWorkerNothingWaitsBehindTheDoor() {
        processes.hasDoor = true;
        processes.waiting = 5;
        start(1, b -> b.respawnDelay(Duration.ofSeconds(5)).respawnDelayMax(Duration.ofSeconds(5)));
        exit(processes.last().pid(), ExitStatus.exited(1)); // died young: waits out its respawn delay
        input(new Input.SignalReceived(Signals.TERM));
        assertTrue(supervisor.finished(), "no worker to take the backlog, and none to stop");
    }

    private List<Long> pids() {
        return supervisor.snapshot().stream().map(WorkerInfo::pid).toList();
    }
}
