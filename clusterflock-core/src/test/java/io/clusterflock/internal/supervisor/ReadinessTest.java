package io.clusterflock.internal.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clusterflock.ClusterEvent;
import io.clusterflock.EndCause;
import io.clusterflock.ExitStatus;
import io.clusterflock.SlotInfo;
import io.clusterflock.WorkerInfo;
import io.clusterflock.WorkerState;
import io.clusterflock.internal.util.Signals;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A worker takes traffic only once it is proven: by saying so, or by staying up. A reload never
 * stops a serving worker for one that is not proven, starts only so many new workers at a time,
 * and the newest of several reloads is the one that goes live.
 */
class ReadinessTest extends SupervisorFixture {
    private static final Duration AFTER = Duration.ofSeconds(2);


    @Test
    void aWorkerThatSaysNothingIsReadyOnceItHasStayedUp() {
        start(1, b -> b.readyAfter(AFTER));
        long pid = processes.last().pid();
        assertEquals(WorkerState.STARTING, pid(pid).state());
        clock.advance(AFTER.minusMillis(1));
        settle();
        assertEquals(WorkerState.STARTING, pid(pid).state());
        runToNextDeadline();
        assertEquals(WorkerState.READY, pid(pid).state());
    }

    @Test
    void aWorkerWhoseJarsReportReadinessIsReadyOnlyWhenItSaysSo() {
        processes.reportReadiness = true;
        start(1, b -> b.readyAfter(AFTER).readyTimeout(Duration.ofSeconds(30)));
        long pid = processes.last().pid();
        clock.advance(Duration.ofSeconds(10));
        settle();
        assertEquals(WorkerState.STARTING, pid(pid).state(), "staying up does not prove a worker whose library speaks for it");
        input(new Input.WorkerReady(pid));
        assertEquals(WorkerState.READY, pid(pid).state());
    }

    @Test
    void aWorkerThatSaysReadySoonerIsReadyAtOnce() {
        start(1, b -> b.readyAfter(AFTER));
        input(new Input.WorkerReady(processes.last().pid()));
        assertEquals(WorkerState.READY, pid(processes.last().pid()).state());
    }

    @Test
    void aWorkerThatSpeaksSdNotifyIsReadyOnlyWhenItSaysReady() {
        start(1, b -> b.readyAfter(AFTER).readyTimeout(Duration.ofSeconds(30)));
        long pid = processes.last().pid();
        input(new Input.Notified(List.of(pid), List.of("STATUS=loading")));
        clock.advance(Duration.ofSeconds(10));
        settle();
        assertEquals(WorkerState.STARTING, pid(pid).state(), "staying up does not prove a worker that manages its readiness");
        runToNextDeadline();
        assertEquals(new EndCause.NotReady(Duration.ofSeconds(30)), eventsOf(ClusterEvent.Killing.class).getFirst().cause());
    }

    @Test
    void aWorkerWhoseLibrarySaysWhatItDoesIsReadyOnlyWhenItSaysReady() {
        start(1, b -> b.readyAfter(AFTER).readyTimeout(Duration.ofSeconds(30)));
        long pid = processes.last().pid();
        input(new Input.WorkerStatus(pid, "starting Spring Boot"));
        clock.advance(Duration.ofSeconds(10));
        settle();
        assertEquals(WorkerState.STARTING, pid(pid).state(), "staying up does not prove a worker that manages its readiness");
        assertEquals("starting Spring Boot", eventsOf(ClusterEvent.Status.class).getFirst().text());
        input(new Input.WorkerReady(pid));
        assertEquals(WorkerState.READY, pid(pid).state());
    }

    @Test
    void readyFromAChildOfTheWorkerCountsForTheWorkerAndOtherSendersAreIgnored() {
        start(2, b -> b.readyAfter(AFTER));
        long first = processes.spawns.get(0).pid();
        long second = processes.spawns.get(1).pid();
        input(new Input.Notified(List.of(99_999L, first, 1L), List.of("READY=1")));
        input(new Input.Notified(List.of(88_888L, 1L), List.of("READY=1")));
        assertEquals(WorkerState.READY, pid(first).state());
        assertEquals(WorkerState.STARTING, pid(second).state());
    }

    @Test
    void aReadyThatArrivesWithTheForkIsNotLost() {
        start(1, b -> b.readyAfter(AFTER));
        long pid = processes.last().pid();
        supervisor.handle(new Input.Notified(List.of(pid), List.of("READY=1"))); // before any further turn
        settle();
        assertEquals(WorkerState.READY, pid(pid).state());
    }

    @Test
    void aReloadToABuildThatCrashesAtStartGivesUpAndTheOldWorkersNeverStop() {
        start(2, b -> b.readyAfter(AFTER));
        runToNextDeadline();
        List<Long> old = supervisor.snapshot().stream().map(WorkerInfo::pid).toList();
        input(new Input.Reload(false));
        clock.advance(Duration.ofMillis(300));
        exit(processes.last().pid(), ExitStatus.exited(3));
        assertEquals(1, eventsOf(ClusterEvent.ReloadFailed.class).size());
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofMinutes(1));
            settle();
        }
        assertEquals(List.of(), processes.signalled(Signals.TERM).stream().filter(old::contains).toList(),
                "the serving generation was never asked to stop");
        assertEquals(List.of(0, 0), generations(WorkerState.READY));
        assertEquals(0, supervisor.rollout().serving());
    }

    @Test
    void aReloadStartsAtMostItsSurgeOfNewWorkersAtATime() {
        start(4, b -> b.readyAfter(AFTER).reloadSurge(1));
        runToNextDeadline();
        input(new Input.Reload(false));
        for (int turned = 1; turned <= 4; turned++) {
            assertEquals(1, generations(WorkerState.STARTING).size(), "one cold worker at a time, turn " + turned);
            assertEquals(4 + turned, processes.spawns.size());
            runToNextDeadline(); // the new worker is proven; its old worker stops; the next slot turns
        }
        assertEquals(List.of(1, 1, 1, 1), generations(WorkerState.READY));
        assertEquals(1, eventsOf(ClusterEvent.ReloadFinished.class).size());
    }

    @Test
    void aReloadDuringAReloadGoesLiveWithTheNewestGenerationOnly() {
        start(2, b -> b.readyAfter(AFTER).reloadSurge(1));
        runToNextDeadline();
        input(new Input.Reload(false)); // generation 1 turns slot 0
        input(new Input.Reload(false)); // generation 2 supersedes it
        assertEquals(List.of(2), generations(WorkerState.STARTING), "generation 1's cold worker is dropped");
        while (eventsOf(ClusterEvent.ReloadFinished.class).isEmpty()) {
            runToNextDeadline();
        }
        assertEquals(2, eventsOf(ClusterEvent.ReloadFinished.class).getFirst().generation());
        assertEquals(List.of(2, 2), generations(WorkerState.READY));
        assertTrue(processes.spawns.stream().filter(s -> s.generation() == 1).count() <= 1);
        assertEquals(2, supervisor.rollout().serving());
    }

    @Test
    void aScaleDownDuringAReloadDoesNotMakeTheReloadGiveUp() {
        start(2, b -> b.readyAfter(AFTER).reloadSurge(2));
        runToNextDeadline();
        input(new Input.Reload(false));
        input(new Input.Resize(1));
        for (long pid : processes.signalled(Signals.TERM)) {
            exit(pid, ExitStatus.exited(0)); // the retired slot's workers, new and old, stop as asked
        }
        assertEquals(List.of(), eventsOf(ClusterEvent.ReloadFailed.class), "a stop the master asked for is no failed start");
        while (eventsOf(ClusterEvent.ReloadFinished.class).isEmpty()) {
            runToNextDeadline();
        }
        assertEquals(List.of(1), generations(WorkerState.READY));
    }

    @Test
    void aReloadThatGivesUpTakesASlotThatServesNothingBackToTheServingGeneration() {
        start(2, b -> b.readyAfter(AFTER).reloadSurge(2));
        runToNextDeadline();
        input(new Input.Reload(false));
        input(new Input.Resize(3)); // a new slot, starting generation 1 with nothing to serve before it
        exit(processes.spawns.get(2).pid(), ExitStatus.exited(3)); // slot 0's new worker crashes
        assertEquals(1, eventsOf(ClusterEvent.ReloadFailed.class).size());
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofMinutes(1));
            settle();
        }
        assertEquals(List.of(0, 0, 0), supervisor.slotSnapshot().stream().map(SlotInfo::generation).toList());
        assertEquals(List.of(0, 0, 0), generations(WorkerState.READY));
    }

    @Test
    void aSlotWaitingItsTurnKeepsItsBackoff() {
        start(2, b -> b.readyAfter(AFTER).reloadSurge(1).respawnDelay(Duration.ofSeconds(30)).respawnDelayMax(Duration.ofSeconds(30)));
        runToNextDeadline();
        exit(processes.spawns.get(1).pid(), ExitStatus.exited(1)); // slot 1 backs off 30 s
        int spawns = processes.spawns.size();
        input(new Input.Reload(false)); // slot 0 turns first; slot 1 waits its turn
        assertEquals(spawns + 1, processes.spawns.size());
        assertEquals(0, processes.last().id(), "slot 1 is not re-forked at once by a reload that has not reached it");
    }

    @Test
    void anImmediateShutdownLeavesAHungWorkerToItsDumpAndItsCause() {
        start(1, b -> b.workerTimeout(Duration.ofSeconds(2)).readyAfter(Duration.ZERO));
        long pid = processes.last().pid();
        input(new Input.WorkerHeartbeat(pid, 1));
        runToNextDeadline(); // hung: SIGQUIT
        input(new Input.SignalReceived(Signals.INT));
        runToNextDeadline(); // the dump's second is up
        exit(pid, ExitStatus.killed(Signals.KILL));
        assertEquals(new EndCause.Hung(Duration.ofSeconds(2)), lastExit().cause());
    }
}
