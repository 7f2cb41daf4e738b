package io.clusterflock.internal.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clusterflock.ClusterEvent;
import io.clusterflock.EndCause;
import io.clusterflock.ExitStatus;
import io.clusterflock.ReadyWhen;
import io.clusterflock.WorkerExit;
import io.clusterflock.WorkerState;
import io.clusterflock.internal.util.Signals;
import io.clusterflock.WorkerInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Every lifecycle transition and every end cause: the state the snapshot shows at each step, why
 * the worker is ending, and how its exit is reported (cause, and whether anyone asked for it).
 */
class LifecycleTest extends SupervisorFixture {

    @Test
    void startingThenReadyWhenTheWorkerSaysSo() {
        start(1, b -> b.readyWhen(ReadyWhen.READY));
        long pid = processes.last().pid();
        assertEquals(WorkerState.STARTING, pid(pid).state());
        assertEquals(Optional.empty(), pid(pid).ending());
        input(new Input.WorkerReady(pid));
        assertEquals(WorkerState.READY, pid(pid).state());
        input(new Input.WorkerReady(pid));
        assertEquals(1, eventsOf(ClusterEvent.Ready.class).size(), "ready once");
    }

    @Test
    void anExitNobodyAskedForIsUnexpectedWithItsCodeOrSignal() {
        start(2);
        exit(worker(0).pid(), ExitStatus.exited(3));
        assertEquals(new EndCause.Unexpected(), lastExit().cause());
        assertEquals(ExitStatus.exited(3), lastExit().status());
        assertFalse(lastExit().expected());
        exit(worker(1).pid(), ExitStatus.killed(11));
        assertEquals(ExitStatus.killed(11), lastExit().status());
        assertFalse(lastExit().expected());
        assertEquals(2, eventsOf(ClusterEvent.Exit.class).stream().filter(e -> e.respawnIn().isPresent()).count());
    }

    @Test
    void gracefulShutdownIsAnExpectedEndThatSaysWhoAsked() {
        start(1);
        long pid = worker(0).pid();
        input(new Input.Shutdown(true, "stop command"));
        assertEquals(WorkerState.STOPPING, pid(pid).state());
        assertEquals(Optional.of(new EndCause.Shutdown("stop command")), pid(pid).ending());
        exit(pid, ExitStatus.exited(0));
        assertEquals(new EndCause.Shutdown("stop command"), lastExit().cause());
        assertTrue(lastExit().expected());
    }

    @Test
    void aStopThatTimesOutIsKilledButKeepsItsCause() {
        start(1, b -> b.timeout(Duration.ofSeconds(5)));
        long pid = worker(0).pid();
        input(new Input.Shutdown(true, "SIGTERM"));
        runToNextDeadline();
        assertEquals(List.of(pid), processes.signalled(Signals.KILL));
        assertEquals(WorkerState.KILLING, pid(pid).state());
        assertEquals(1, eventsOf(ClusterEvent.StopTimeout.class).size());
        exit(pid, ExitStatus.killed(Signals.KILL));
        assertEquals(new EndCause.Shutdown("SIGTERM"), lastExit().cause());
        assertTrue(lastExit().expected());
    }

    @Test
    void anImmediateShutdownKillsAndEveryKillIsAnExpectedExit() {
        start(2);
        List<Long> pids = List.of(worker(0).pid(), worker(1).pid());
        input(new Input.SignalReceived(Signals.INT));
        assertEquals(pids, processes.signalled(Signals.KILL));
        assertTrue(eventsOf(ClusterEvent.Killing.class).stream().allMatch(k -> k.cause().equals(new EndCause.Kill("SIGINT"))));
        for (long pid : pids) {
            exit(pid, ExitStatus.killed(Signals.KILL));
        }
        List<WorkerExit> exits = eventsOf(ClusterEvent.Exit.class).stream().map(ClusterEvent.Exit::exit).toList();
        assertTrue(exits.stream().allMatch(e -> e.expected() && e.cause().equals(new EndCause.Kill("SIGINT"))), exits.toString());
        assertTrue(exits.stream().noneMatch(e -> e.cause().failure()));
        assertEquals(1, supervisor.exitCode());
    }

    @Test
    void aScaleDownStopsTheRetiredSlotsWorkerForGood() {
        start(2);
        long pid = worker(1).pid();
        clock.advance(Duration.ofSeconds(1));
        exit(worker(0).pid(), ExitStatus.exited(1));
        runToNextDeadline(); // slot 0 re-forked: slot 1's worker is now the oldest
        input(new Input.Resize(1));
        assertEquals(Optional.of(new EndCause.ScaledDown()), pid(pid).ending());
        exit(pid, ExitStatus.exited(0));
        assertEquals(new EndCause.ScaledDown(), lastExit().cause());
        assertEquals(Optional.empty(), eventsOf(ClusterEvent.Exit.class).getLast().respawnIn());
    }

    @Test
    void aReloadAndARestartReplaceWorkersWithTheirGeneration() {
        start(1);
        long first = worker(0).pid();
        input(new Input.Reload(false));
        exit(first, ExitStatus.exited(0));
        assertEquals(new EndCause.Replaced(1, false), lastExit().cause());
        assertEquals("reload", lastExit().cause().code());
        long second = worker(0).pid();
        input(new Input.Reload(true));
        exit(second, ExitStatus.exited(0));
        assertEquals(new EndCause.Replaced(2, true), lastExit().cause());
        assertEquals("restart", lastExit().cause().code());
        assertTrue(lastExit().expected());
    }

    @Test
    void aRecycledWorkerServesAsReplacingUntilItsReplacementIsReady() {
        start(1, b -> b.readyWhen(ReadyWhen.READY).maxRequests(100).maxRequestsJitter(0));
        long old = processes.last().pid();
        input(new Input.WorkerReady(old));
        input(new Input.WorkerHeartbeat(old, 100));
        assertEquals(WorkerState.REPLACING, pid(old).state());
        assertEquals(Optional.of(new EndCause.MaxRequests(100, 100)), pid(old).ending());
        long fresh = processes.last().pid();
        assertEquals(WorkerState.STARTING, pid(fresh).state());
        input(new Input.WorkerReady(fresh));
        assertEquals(WorkerState.STOPPING, pid(old).state());
        exit(old, ExitStatus.exited(0));
        assertEquals(new EndCause.MaxRequests(100, 100), lastExit().cause());
        assertTrue(lastExit().expected());
        assertEquals(Optional.empty(), eventsOf(ClusterEvent.Exit.class).getLast().respawnIn());
    }

    @Test
    void aRecycledWorkerThatCrashesBeforeItsReplacementIsReadyIsUnexpectedAndNotForkedTwice() {
        start(1, b -> b.readyWhen(ReadyWhen.READY).maxRequests(100).maxRequestsJitter(0));
        long old = processes.last().pid();
        input(new Input.WorkerReady(old));
        input(new Input.WorkerHeartbeat(old, 150));
        exit(old, ExitStatus.exited(2));
        assertEquals(new EndCause.Unexpected(), lastExit().cause());
        assertEquals(2, processes.spawns.size(), "its replacement is already starting");
    }

    @Test
    void memoryAndAgeRecycleWithTheirOwnCauses() {
        start(1, b -> b.maxRss(100).maxRssGrace(Duration.ofSeconds(1)).maxAge(Duration.ofHours(1)));
        long pid = worker(0).pid();
        input(new Input.WorkerMemory(pid, 200));
        clock.advance(Duration.ofSeconds(1));
        input(new Input.WorkerMemory(pid, 200));
        assertEquals(new EndCause.MaxRss(200, 100, Duration.ofSeconds(1)), eventsOf(ClusterEvent.Recycling.class).getLast().cause());
        exit(pid, ExitStatus.exited(0));
        runToNextDeadline();
        assertEquals(new EndCause.MaxAge(Duration.ofHours(1)), eventsOf(ClusterEvent.Recycling.class).getLast().cause());
    }

    @Test
    void aHungWorkerIsDumpedThenKilledAndItsExitIsAFailureTheMasterAskedFor() {
        start(1, b -> b.workerTimeout(Duration.ofSeconds(2)));
        long pid = worker(0).pid();
        input(new Input.WorkerHeartbeat(pid, 1));
        runToNextDeadline();
        assertEquals(WorkerState.KILLING, pid(pid).state());
        assertEquals(List.of(pid), processes.signalled(Signals.QUIT));
        assertEquals(1, processes.spawns.size(), "its slot waits for it to go");
        runToNextDeadline();
        exit(pid, ExitStatus.killed(Signals.KILL));
        assertEquals(new EndCause.Hung(Duration.ofSeconds(2)), lastExit().cause());
        assertTrue(lastExit().expected());
        assertTrue(lastExit().cause().failure());
        assertTrue(eventsOf(ClusterEvent.Exit.class).getLast().respawnIn().isPresent());
    }

    @Test
    void aWorkerNotReadyInTimeIsKilledAsNotReady() {
        start(1, b -> b.readyWhen(ReadyWhen.READY).readyTimeout(Duration.ofSeconds(3)));
        long pid = processes.last().pid();
        runToNextDeadline();
        assertEquals(WorkerState.KILLING, pid(pid).state());
        exit(pid, ExitStatus.killed(Signals.KILL));
        assertEquals(new EndCause.NotReady(Duration.ofSeconds(3)), lastExit().cause());
        assertTrue(eventsOf(ClusterEvent.Exit.class).getLast().respawnIn().isPresent(), "re-forked, with backoff");
    }

    @Test
    void theExitIsSettledWithTheProcessPortBeforeAnythingTakesItsPlace() {
        start(1);
        long pid = worker(0).pid();
        clock.advance(Duration.ofMinutes(1));
        exit(pid, ExitStatus.exited(1));
        assertEquals(List.of("spawn 0", "reaped " + pid, "spawn 0"), processes.calls);
    }

    @Test
    void everyExitCarriesHowLongTheWorkerRan() {
        start(1);
        long pid = worker(0).pid();
        clock.advance(Duration.ofSeconds(7));
        exit(pid, ExitStatus.exited(1));
        assertEquals(Duration.ofSeconds(7), lastExit().uptime());
    }

    @Test
    void aSnapshotsUptimeIsComputedWhenRead() {
        Instant forked = Instant.now().minusSeconds(5);
        WorkerInfo info = new WorkerInfo(0, 1, 0, WorkerState.READY, Optional.empty(), forked, 0, Optional.empty(),
                OptionalLong.empty());
        assertTrue(info.uptime().compareTo(Duration.ofSeconds(5)) >= 0, info.uptime().toString());
    }

    @Test
    void aReloadThatGivesUpLeavesTheServingSlotsLastExitAloneAndSaysWhichGenerationServes() {
        start(1, b -> b.readyWhen(ReadyWhen.READY));
        input(new Input.WorkerReady(processes.last().pid()));
        input(new Input.Reload(false));
        exit(processes.last().pid(), ExitStatus.exited(3));
        assertEquals(Optional.empty(), supervisor.slotSnapshot().getFirst().lastExit(), "the failed start is the reload's");
        RolloutState rollout = supervisor.rollout();
        assertEquals(0, rollout.serving());
        assertEquals(1, rollout.newest());
        assertFalse(rollout.underWay());
        assertTrue(rollout.failure().orElseThrow().contains("of generation 1 exited unexpectedly with code 3"), rollout.toString());
        assertEquals(0, eventsOf(ClusterEvent.ReloadFailed.class).getFirst().serving());
    }
}
