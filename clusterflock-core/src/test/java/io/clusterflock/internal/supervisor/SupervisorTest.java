package io.clusterflock.internal.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clusterflock.ClusterEvent;
import io.clusterflock.ClusterOptions;
import io.clusterflock.EndCause;
import io.clusterflock.ExitStatus;
import io.clusterflock.ReadyWhen;
import io.clusterflock.internal.util.Signals;
import io.clusterflock.WorkerExit;
import io.clusterflock.WorkerInfo;
import io.clusterflock.WorkerState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The supervisor's lifecycle against a fake clock and a fake process port: no process, no sleep. */
class SupervisorTest extends SupervisorFixture {

    @Test
    void startsOneReadyWorkerPerSlotWithStableIds() {
        start(3);
        assertEquals(List.of(0, 1, 2), processes.spawns.stream().map(FakeProcesses.Spawn::id).toList());
        assertTrue(supervisor.snapshot().stream().allMatch(w -> w.state() == WorkerState.READY));
        assertEquals(3, eventsOf(ClusterEvent.Fork.class).size());
    }

    @Test
    void aWorkerThatStayedUpIsReforkedAtOnceInItsSlot() {
        start(2);
        long pid = worker(1).pid();
        clock.advance(Duration.ofMinutes(5));
        exit(pid, ExitStatus.killed(Signals.KILL));
        assertEquals(1, processes.last().id());
        assertEquals(Optional.of(Duration.ZERO), eventsOf(ClusterEvent.Exit.class).getFirst().respawnIn());
        assertEquals(1, worker(1).restarts());
        WorkerExit last = worker(1).lastExit().orElseThrow();
        assertEquals(ExitStatus.killed(Signals.KILL), last.status());
        assertEquals(new EndCause.Unexpected(), last.cause());
        assertFalse(last.expected());
    }

    @Test
    void aCrashLoopBacksOffExponentiallyToTheCap() {
        start(1);
        List<Duration> delays = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            exit(processes.last().pid(), ExitStatus.exited(1));
            delays.add(eventsOf(ClusterEvent.Exit.class).getLast().respawnIn().orElseThrow());
            runToNextDeadline();
        }
        assertEquals(List.of(100L, 200L, 400L, 800L, 1600L, 3200L, 6400L, 12800L, 25600L, 30000L, 30000L, 30000L),
                delays.stream().map(Duration::toMillis).toList());
    }

    @Test
    void aWorkerThatExitsAtOnceIsSpawnedAtMostFifteenTimesInTheFirstMinute() {
        start(1);
        long t0 = clock.now;
        while (clock.now - t0 < Duration.ofMinutes(1).toNanos()) {
            exit(processes.last().pid(), ExitStatus.exited(1));
            runToNextDeadline();
        }
        long inFirstMinute = processes.spawns.stream().filter(s -> s.at() - t0 < Duration.ofMinutes(1).toNanos()).count();
        assertTrue(inFirstMinute <= 15, "spawned " + inFirstMinute + " times");
    }

    @Test
    void theBackoffResetsOnceAWorkerStaysUp() {
        start(1);
        for (int i = 0; i < 5; i++) {
            exit(processes.last().pid(), ExitStatus.exited(1));
            runToNextDeadline();
        }
        clock.advance(Backoff.STABLE_AFTER);
        exit(processes.last().pid(), ExitStatus.exited(1));
        assertEquals(Optional.of(Duration.ZERO), eventsOf(ClusterEvent.Exit.class).getLast().respawnIn());
        exit(processes.last().pid(), ExitStatus.exited(1));
        assertEquals(Optional.of(Duration.ofMillis(100)), eventsOf(ClusterEvent.Exit.class).getLast().respawnIn());
    }

    @Test
    void gracefulShutdownDrainsThenKillsAfterTheTimeout() {
        start(2, b -> b.timeout(Duration.ofSeconds(10)));
        List<Long> pids = supervisor.snapshot().stream().map(WorkerInfo::pid).toList();
        input(new Input.SignalReceived(Signals.TERM));
        assertEquals(pids, processes.signalled(Signals.TERM));
        exit(pids.get(0), ExitStatus.exited(0));
        ClusterEvent.Exit stopped = eventsOf(ClusterEvent.Exit.class).getFirst();
        assertEquals(new EndCause.Shutdown("SIGTERM"), stopped.exit().cause());
        assertTrue(stopped.exit().expected());
        assertEquals(Optional.empty(), stopped.respawnIn());
        assertEquals(List.of(), processes.signalled(Signals.KILL));
        clock.advance(Duration.ofSeconds(10));
        supervisor.reconcile();
        assertEquals(List.of(pids.get(1)), processes.signalled(Signals.KILL));
        assertEquals(1, eventsOf(ClusterEvent.StopTimeout.class).size());
        assertFalse(supervisor.finished());
        exit(pids.get(1), ExitStatus.killed(Signals.KILL));
        assertTrue(supervisor.finished());
        assertEquals(0, supervisor.exitCode());
        assertEquals(2, processes.spawns.size(), "nothing is re-forked during a shutdown");
    }

    @Test
    void interruptKillsEveryWorkerAtOnce() {
        start(3);
        input(new Input.SignalReceived(Signals.INT));
        assertEquals(3, processes.signalled(Signals.KILL).size());
        for (long pid : List.copyOf(processes.alive)) {
            exit(pid, ExitStatus.killed(Signals.KILL));
        }
        assertTrue(supervisor.finished());
        assertEquals(1, supervisor.exitCode());
    }

    @Test
    void ttinAddsAWorkerAndTtouRetiresTheLeastRecentlyForked() {
        start(2);
        clock.advance(Duration.ofMinutes(1));
        exit(worker(1).pid(), ExitStatus.exited(1)); // slot 1 is re-forked: slot 0 is now the oldest
        long oldest = worker(0).pid();
        clock.advance(Duration.ofSeconds(1));
        input(new Input.SignalReceived(Signals.TTIN));
        assertEquals(2, processes.last().id());
        assertEquals(3, supervisor.snapshot().size());
        input(new Input.SignalReceived(Signals.TTOU));
        assertEquals(List.of(oldest), processes.signalled(Signals.TERM));
        exit(oldest, ExitStatus.exited(0));
        assertEquals(List.of(1, 2), supervisor.snapshot().stream().map(WorkerInfo::id).toList());
        assertEquals(4, processes.spawns.size(), "a retired slot is not re-forked");
    }

    @Test
    void ttouNeverGoesBelowOneWorker() {
        start(1);
        input(new Input.SignalReceived(Signals.TTOU));
        assertEquals(1, eventsOf(ClusterEvent.Declined.class).size());
        assertEquals(List.of(), processes.signalled(Signals.TERM));
    }

    @Test
    void aNewSlotAvoidsTheIdOfAWorkerStillDraining() {
        start(2);
        input(new Input.Resize(1));
        long draining = processes.signalled(Signals.TERM).getFirst();
        int drainingId = supervisor.snapshot().stream().filter(w -> w.pid() == draining).findFirst().orElseThrow().id();
        input(new Input.Resize(2));
        assertTrue(processes.last().id() != drainingId);
    }

    @Test
    void aWorkerNotReadyInTimeIsKilledAndReforkedWithBackoff() {
        start(1, b -> b.readyWhen(ReadyWhen.READY).readyTimeout(Duration.ofSeconds(5)));
        long pid = processes.last().pid();
        assertEquals(WorkerState.STARTING, worker(0).state());
        runToNextDeadline();
        assertEquals(List.of(pid), processes.signalled(Signals.KILL));
        assertEquals(new EndCause.NotReady(Duration.ofSeconds(5)), eventsOf(ClusterEvent.Killing.class).getFirst().cause());
        exit(pid, ExitStatus.killed(Signals.KILL));
        assertEquals(Optional.of(Duration.ofMillis(100)), eventsOf(ClusterEvent.Exit.class).getLast().respawnIn());
    }

    @Test
    void aWorkerBecomesReadyWhenItSaysSo() {
        start(1, b -> b.readyWhen(ReadyWhen.READY));
        input(new Input.WorkerReady(processes.last().pid()));
        assertEquals(WorkerState.READY, worker(0).state());
        assertEquals(1, eventsOf(ClusterEvent.Ready.class).size());
    }

    @Test
    void aSpawnThatFailsIsRetriedWithBackoff() {
        processes.failNextSpawn = "cannot start /bin/app: Permission denied";
        start(1);
        ClusterEvent.SpawnFailed failed = eventsOf(ClusterEvent.SpawnFailed.class).getFirst();
        assertEquals(Duration.ofMillis(100), failed.retryIn());
        assertTrue(supervisor.snapshot().isEmpty());
        runToNextDeadline();
        assertEquals(1, supervisor.snapshot().size());
    }

    @Test
    void reloadStopsOldWorkersOnlyOnceTheirReplacementsAreReady() {
        start(2, b -> b.readyWhen(ReadyWhen.LISTENING));
        processes.spawns.forEach(s -> input(new Input.WorkerReady(s.pid())));
        List<Long> old = List.of(processes.spawns.get(0).pid(), processes.spawns.get(1).pid());
        input(new Input.SignalReceived(Signals.USR2));
        assertEquals(4, processes.spawns.size(), "every slot gets a new worker at once");
        assertTrue(processes.spawns.subList(2, 4).stream().allMatch(s -> s.generation() == 1));
        assertEquals(List.of(), processes.signalled(Signals.TERM), "nobody stops before a replacement is ready");
        input(new Input.WorkerReady(processes.spawns.get(2).pid()));
        assertEquals(List.of(old.get(0)), processes.signalled(Signals.TERM));
        input(new Input.WorkerReady(processes.spawns.get(3).pid()));
        assertEquals(old, processes.signalled(Signals.TERM));
        assertEquals(1, eventsOf(ClusterEvent.ReloadFinished.class).size());
        assertEquals(1, supervisor.rollout().serving());
    }

    @Test
    void rollingRestartReplacesOneSlotAtATime() {
        start(2, b -> b.readyWhen(ReadyWhen.LISTENING));
        processes.spawns.forEach(s -> input(new Input.WorkerReady(s.pid())));
        input(new Input.SignalReceived(Signals.HUP));
        assertEquals(3, processes.spawns.size());
        assertEquals(0, processes.last().id());
        input(new Input.WorkerReady(processes.last().pid()));
        assertEquals(List.of(processes.spawns.get(0).pid()), processes.signalled(Signals.TERM));
        assertEquals(3, processes.spawns.size(), "the next slot waits until the old worker has gone");
        exit(processes.spawns.get(0).pid(), ExitStatus.exited(0));
        assertEquals(4, processes.spawns.size());
        assertEquals(1, processes.last().id());
        input(new Input.WorkerReady(processes.last().pid()));
        assertEquals(2, processes.signalled(Signals.TERM).size());
        exit(processes.spawns.get(1).pid(), ExitStatus.exited(0));
        assertEquals(1, eventsOf(ClusterEvent.ReloadFinished.class).size());
    }

    @Test
    void aReloadWhoseNewWorkersCrashGivesUpAndKeepsTheOldOnesServing() {
        start(2, b -> b.readyWhen(ReadyWhen.LISTENING));
        processes.spawns.forEach(s -> input(new Input.WorkerReady(s.pid())));
        input(new Input.Reload(false));
        exit(processes.spawns.get(2).pid(), ExitStatus.exited(1));
        assertEquals(1, eventsOf(ClusterEvent.ReloadFailed.class).size());
        assertEquals(List.of(processes.spawns.get(3).pid()), processes.signalled(Signals.TERM),
                "the other new worker, still starting, is stopped");
        assertEquals(new EndCause.Superseded(1), eventsOf(ClusterEvent.Stopping.class).getLast().cause(),
                "its generation will not go live");
        clock.advance(Duration.ofMinutes(1));
        supervisor.reconcile();
        assertEquals(4, processes.spawns.size(), "no further attempt of the broken generation");
        assertTrue(supervisor.snapshot().stream().filter(w -> w.state() == WorkerState.READY)
                .allMatch(w -> w.generation() == 0));
    }

    @Test
    void aReloadDuringAReloadStopsTheIntermediateGeneration() {
        start(1, b -> b.readyWhen(ReadyWhen.LISTENING));
        input(new Input.WorkerReady(processes.last().pid()));
        input(new Input.Reload(false));
        long intermediate = processes.last().pid();
        input(new Input.Reload(false));
        assertEquals(List.of(intermediate), processes.signalled(Signals.TERM));
        assertEquals(2, processes.last().generation());
        input(new Input.WorkerReady(processes.last().pid()));
        assertEquals(2, processes.signalled(Signals.TERM).size());
    }

    @Test
    void aShutdownDuringAReloadStopsEverything() {
        start(1, b -> b.readyWhen(ReadyWhen.LISTENING));
        input(new Input.WorkerReady(processes.last().pid()));
        input(new Input.Reload(false));
        input(new Input.Shutdown(true, "test"));
        assertEquals(2, processes.signalled(Signals.TERM).size());
        for (long pid : List.copyOf(processes.alive)) {
            exit(pid, ExitStatus.exited(0));
        }
        assertTrue(supervisor.finished());
        assertEquals(2, processes.spawns.size());
    }

    @Test
    void aResizeDuringAReloadGivesNewSlotsTheNewGeneration() {
        start(1, b -> b.readyWhen(ReadyWhen.LISTENING));
        input(new Input.WorkerReady(processes.last().pid()));
        input(new Input.Reload(false));
        input(new Input.Resize(2));
        assertEquals(1, processes.last().generation());
        assertEquals(1, processes.last().id());
    }

    @Test
    void withStickySessionsARetiredSlotsWorkerServesOnUntilItsSocketHasSettled() {
        start(2, b -> b.readyWhen(ReadyWhen.LISTENING).sticky(true));
        processes.spawns.forEach(s -> input(new Input.WorkerListening(s.pid())));
        input(new Input.Resize(1));
        assertEquals(java.util.Set.of(0), processes.serving.getLast(), "its slot left the client map at once");
        assertEquals(List.of(), processes.signalled(Signals.TERM), "but it still takes what is queued on its socket");

        runToNextDeadline();
        assertEquals(1, processes.signalled(Signals.TERM).size());
        assertEquals(Retirements.STICKY_SETTLE.toNanos(), clock.now - processes.spawns.getFirst().at());
    }

    @Test
    void theProcessPortHearsWhichSlotsServeAsTheyChange() {
        start(2, b -> b.readyWhen(ReadyWhen.LISTENING));
        processes.spawns.forEach(s -> input(new Input.WorkerListening(s.pid())));
        long first = processes.spawns.get(0).pid();
        exit(first, ExitStatus.killed(Signals.KILL));
        runToNextDeadline();
        input(new Input.WorkerListening(processes.last().pid()));

        assertEquals(List.of(java.util.Set.of(0), java.util.Set.of(0, 1), java.util.Set.of(1), java.util.Set.of(0, 1)),
                processes.serving);
    }

    @Test
    void aSlotIsServingAsItsWorkerIsAnnouncedReadyNotAtTheNextReconcile() {
        start(1, b -> b.readyWhen(ReadyWhen.LISTENING).sticky(true));
        supervisor.handle(new Input.WorkerListening(processes.last().pid())); // no reconcile after it
        // A client that connects once it hears "ready" reaches the slot it will keep.
        assertEquals(1, eventsOf(ClusterEvent.Ready.class).size());
        assertEquals(java.util.Set.of(0), processes.serving.getLast());
    }

    @Test
    void aSlotRetiredAndAddedBackDuringAReloadStillGetsItsTurn() {
        start(4, b -> b.readyWhen(ReadyWhen.LISTENING).reloadSurge(1));
        processes.spawns.forEach(s -> input(new Input.WorkerListening(s.pid())));
        input(new Input.Reload(false)); // slot 0 turns, the others wait
        input(new Input.Resize(3));
        for (long pid : processes.signalled(Signals.TERM)) {
            exit(pid, ExitStatus.exited(0)); // the retired slot's worker goes: its id is free again
        }
        input(new Input.Resize(4)); // the free id comes back, while its old turn may still be queued
        java.util.Set<Long> told = new java.util.HashSet<>();
        for (int round = 0; round < 20 && eventsOf(ClusterEvent.ReloadFinished.class).isEmpty(); round++) {
            for (FakeProcesses.Spawn spawn : List.copyOf(processes.spawns)) {
                if (told.add(spawn.pid())) {
                    input(new Input.WorkerListening(spawn.pid()));
                }
            }
            for (long pid : processes.signalled(Signals.TERM)) {
                if (processes.alive.contains(pid)) {
                    exit(pid, ExitStatus.exited(0));
                }
            }
        }
        assertEquals(1, eventsOf(ClusterEvent.ReloadFinished.class).size(), "the reload finishes");
        assertEquals(List.of(1, 1, 1, 1), generations(WorkerState.READY));
    }

    @Test
    void aSlotAddedDuringAReloadStartsWithinTheSurge() {
        start(2, b -> b.readyWhen(ReadyWhen.LISTENING).reloadSurge(1));
        processes.spawns.forEach(s -> input(new Input.WorkerListening(s.pid())));
        input(new Input.Reload(false));
        assertEquals(3, processes.spawns.size(), "slot 0 turns");
        input(new Input.Resize(3));
        assertEquals(3, processes.spawns.size(), "the new slot waits for a turn");
        input(new Input.WorkerListening(processes.last().pid()));
        assertEquals(List.of(2, 1), List.of(processes.last().id(), processes.last().generation()), "first in line, new generation");
        input(new Input.WorkerListening(processes.last().pid()));
        assertEquals(List.of(1, 1), List.of(processes.last().id(), processes.last().generation()));
        input(new Input.WorkerListening(processes.last().pid()));
        assertEquals(5, processes.spawns.size());
        assertEquals(1, eventsOf(ClusterEvent.ReloadFinished.class).size());
    }

    @Test
    void aWorkerThatStopsHeartbeatingGetsAThreadDumpThenIsKilledAndReforked() {
        start(1, b -> b.workerTimeout(Duration.ofSeconds(3)));
        long pid = processes.last().pid();
        input(new Input.WorkerHeartbeat(pid, 10));
        clock.advance(Duration.ofSeconds(2));
        input(new Input.WorkerHeartbeat(pid, 20));
        runToNextDeadline();
        assertEquals(new EndCause.Hung(Duration.ofSeconds(3)), eventsOf(ClusterEvent.Killing.class).getFirst().cause());
        assertEquals(List.of(pid), processes.signalled(Signals.QUIT));
        assertEquals(List.of(), processes.signalled(Signals.KILL), "the dump gets its moment first");
        runToNextDeadline();
        assertEquals(List.of(pid), processes.signalled(Signals.KILL));
        exit(pid, ExitStatus.killed(Signals.KILL));
        runToNextDeadline(); // it lived less than 10 s: the usual backoff applies
        assertEquals(2, processes.spawns.size());
        assertEquals(new EndCause.Hung(Duration.ofSeconds(3)), supervisor.slotSnapshot().getFirst().lastExit().orElseThrow().cause());
    }

    @Test
    void aWorkerThatNeverHeartbeatsIsNotWatched() {
        start(1, b -> b.workerTimeout(Duration.ofSeconds(3)));
        clock.advance(Duration.ofMinutes(5));
        supervisor.reconcile();
        assertEquals(List.of(), processes.signalled(Signals.QUIT));
    }

    @Test
    void halfwayToMaxRequestsAWorkersReplacementStartsAndTheWorkerServesUpToItsLimit() {
        start(2, b -> b.readyWhen(ReadyWhen.LISTENING).maxRequests(1000).maxRequestsJitter(0));
        processes.spawns.forEach(s -> input(new Input.WorkerListening(s.pid())));
        long first = processes.spawns.get(0).pid();
        input(new Input.WorkerHeartbeat(first, 499));
        assertEquals(2, processes.spawns.size());
        clock.advance(Duration.ofSeconds(10)); // half-way after 10 s: it goes 10 s later whatever its count
        input(new Input.WorkerHeartbeat(first, 500));
        assertEquals(3, processes.spawns.size(), "half-way: the replacement starts");
        assertEquals(0, processes.last().id());
        input(new Input.WorkerListening(processes.last().pid()));
        assertEquals(List.of(), processes.signalled(Signals.TERM), "ready, but the worker serves up to its limit");
        input(new Input.WorkerHeartbeat(first, 1003));
        assertEquals(List.of(first), processes.signalled(Signals.TERM));
        assertEquals(new EndCause.MaxRequests(1003, 1000), eventsOf(ClusterEvent.Stopping.class).getLast().cause());
    }

    @Test
    void twoHalfwayReportsHandledTogetherStartOneReplacementWithinASurgeOfOne() {
        start(2, b -> b.readyWhen(ReadyWhen.LISTENING).maxRequests(1000).maxRequestsJitter(0).reloadSurge(1));
        processes.spawns.forEach(s -> input(new Input.WorkerListening(s.pid())));
        supervisor.handle(new Input.WorkerHeartbeat(processes.spawns.get(0).pid(), 500)); // queued together,
        supervisor.handle(new Input.WorkerHeartbeat(processes.spawns.get(1).pid(), 500)); // one reconcile after
        settle();

        assertEquals(3, processes.spawns.size());
        assertEquals(1, eventsOf(ClusterEvent.Recycling.class).size());
    }

    @Test
    void aWorkerHalfwayToItsLimitWhoseTrafficDropsGoesOnceItHasTakenAsLongAgain() {
        start(1, b -> b.readyWhen(ReadyWhen.LISTENING).maxRequests(1000).maxRequestsJitter(0));
        long first = processes.last().pid();
        input(new Input.WorkerListening(first));
        clock.advance(Duration.ofSeconds(10));
        input(new Input.WorkerHeartbeat(first, 500));
        input(new Input.WorkerListening(processes.last().pid()));
        input(new Input.WorkerHeartbeat(first, 400)); // a beat read before the mark, arriving after it
        assertEquals(List.of(), processes.signalled(Signals.TERM));

        runToNextDeadline();
        assertEquals(List.of(first), processes.signalled(Signals.TERM), "10 s after half-way, 10 s after its start");
        assertEquals(new EndCause.MaxRequests(500, 1000), eventsOf(ClusterEvent.Stopping.class).getLast().cause());
    }

    @Test
    void aLimitOfOneRequestRecyclesNoIdleWorker() {
        start(1, b -> b.readyWhen(ReadyWhen.LISTENING).maxRequests(1).maxRequestsJitter(0));
        long first = processes.last().pid();
        input(new Input.WorkerListening(first));
        input(new Input.WorkerHeartbeat(first, 0));
        assertEquals(1, processes.spawns.size());
        input(new Input.WorkerHeartbeat(first, 1));
        assertEquals(2, processes.spawns.size());
    }

    @Test
    void noMoreReplacementsStartAtATimeThanTheSurgeAllows() {
        start(2, b -> b.readyWhen(ReadyWhen.LISTENING).maxRequests(1000).maxRequestsJitter(0).reloadSurge(1));
        processes.spawns.forEach(s -> input(new Input.WorkerListening(s.pid())));
        long first = processes.spawns.get(0).pid();
        long second = processes.spawns.get(1).pid();
        input(new Input.WorkerHeartbeat(first, 1000));
        input(new Input.WorkerHeartbeat(second, 5000));
        assertEquals(3, processes.spawns.size(), "one replacement starting at a time");
        assertEquals(0, processes.last().id());
        input(new Input.WorkerListening(processes.last().pid()));
        assertEquals(List.of(first), processes.signalled(Signals.TERM));
        input(new Input.WorkerHeartbeat(second, 5001));
        assertEquals(1, processes.last().id(), "the next once the first replacement is ready");
        assertEquals(2, eventsOf(ClusterEvent.Recycling.class).size());
    }

    @Test
    void memoryAboveTheLimitForTheGracePeriodRecyclesButASpikeDoesNot() {
        start(1, b -> b.maxRss(100).maxRssGrace(Duration.ofSeconds(2)));
        long pid = processes.last().pid();
        input(new Input.WorkerMemory(pid, 150));
        clock.advance(Duration.ofSeconds(1));
        input(new Input.WorkerMemory(pid, 90));
        clock.advance(Duration.ofSeconds(2));
        input(new Input.WorkerMemory(pid, 150));
        assertEquals(0, eventsOf(ClusterEvent.Recycling.class).size());
        clock.advance(Duration.ofSeconds(2));
        input(new Input.WorkerMemory(pid, 160));
        assertEquals(1, eventsOf(ClusterEvent.Recycling.class).size());
        assertEquals(2, processes.spawns.size());
        assertEquals(List.of(pid), processes.signalled(Signals.TERM), "started: the replacement is ready at once");
    }

    @Test
    void aWorkerOlderThanMaxAgeIsRecycled() {
        start(1, b -> b.maxAge(Duration.ofMinutes(10)));
        runToNextDeadline();
        assertEquals(1, eventsOf(ClusterEvent.Recycling.class).size());
        assertEquals(2, processes.spawns.size());
    }
}
