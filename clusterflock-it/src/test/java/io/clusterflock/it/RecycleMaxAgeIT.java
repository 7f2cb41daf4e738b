package io.clusterflock.it;

import static io.clusterflock.it.MasterEvent.Kind.EXIT;
import static io.clusterflock.it.MasterEvent.Kind.READY;
import static io.clusterflock.it.MasterEvent.Kind.RECYCLING;
import static io.clusterflock.it.MasterEvent.Kind.STOPPING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code --max-age}: workers older than the age are replaced one at a time, each replacement ready
 * before the old worker is asked to stop. Workers started together grow old together, so the second
 * one always waits for the first one's replacement.
 */
@Timeout(90)
class RecycleMaxAgeIT {
    private static final Duration WAIT = Duration.ofSeconds(40);

    @Test
    void workersStartedTogetherAreReplacedOneAtATimeOnceOlderThanTheMaxAge() {
        try (MasterProcess master = MasterProcess.start("demo", "-w", "2", "-p", "0", "--max-age", "4s", "--reload-surge", "1")) {
            List<Long> first = master.startedPids();
            List<MasterEvent> recycled = master.awaitEventsAfter(0, EventMatch.of(RECYCLING), 2, WAIT).subList(0, 2);
            assertEquals(first.stream().sorted().toList(), recycled.stream().map(MasterEvent::pid).sorted().toList(),
                    master.output());
            for (MasterEvent recycle : recycled) {
                assertEquals(List.of("max-age", 4_000L), List.of(recycle.cause(), recycle.number("maxAgeMillis")), recycle.toString());
                MasterEvent exit = master.awaitEvent(EventMatch.about(EXIT, recycle.pid()), WAIT);
                assertEquals(List.of("max-age", true, 0L), List.of(exit.cause(), exit.expected(), exit.fields().get("code")),
                        exit.toString());
            }
            for (MasterEvent recycle : recycled) {
                MasterEvent ready = master.awaitEventAfter(recycle.line(), EventMatch.of(READY)
                        .where("in slot " + recycle.slot() + " of another pid", e -> e.slot() == recycle.slot()
                                && e.pid() != recycle.pid()), Duration.ZERO);
                MasterEvent stopping = master.awaitEventAfter(recycle.line(), EventMatch.about(STOPPING, recycle.pid()),
                        Duration.ZERO);
                assertTrue(ready.line() < stopping.line(), "replacement of " + recycle + " ready before it stops"
                        + master.output());
                assertEquals("max-age", stopping.cause(), stopping.toString());
            }
            // One at a time (--reload-surge 1): the second recycle starts only once the first replacement is ready and the
            // first worker has been asked to stop.
            MasterEvent firstStopping = master.awaitEvent(EventMatch.about(STOPPING, recycled.get(0).pid()), Duration.ZERO);
            assertTrue(firstStopping.line() < recycled.get(1).line(), "two recycles at once" + master.output());
        }
    }

    /**
     * While a worker past its age waits for another recycle to finish, the master's supervisor thread
     * should sleep. It spins instead: {@code Supervisor.nextDeadline} keeps offering the waiting
     * worker's {@code startedAt + maxAge}, already past, so {@code SupervisorLoop.await} polls its
     * inbox without waiting, again and again, until the other replacement is ready.
     */
    @Test
    void theSupervisorDoesNotSpinWhileAWorkerPastItsAgeWaitsItsTurn() {
        try (MasterProcess master = MasterProcess.start("demo", "-w", "2", "-p", "0", "--max-age", "4s")) {
            master.started();
            long supervisor = Await.value(WAIT, () -> "the master's supervisor thread" + master.output(),
                    () -> supervisorThread(master.pid()));
            long before = cpuTicks(master.pid(), supervisor);
            List<MasterEvent> recycled = master.awaitEventsAfter(0, EventMatch.of(RECYCLING), 2, WAIT);
            master.awaitEvent(EventMatch.about(EXIT, recycled.get(1).pid()), WAIT);
            long spent = cpuTicks(master.pid(), supervisor) - before;
            System.out.println("[recycle-age] supervisor thread CPU over two recycles by age: " + spent * 10 + " ms");
            assertTrue(spent <= 20, "the supervisor thread used " + spent * 10 + " ms of CPU for two recycles"
                    + master.output());
        }
    }

    /** The tid of thread {@code clusterflock-supervisor} of {@code pid} (comm is cut to 15 characters), or null. */
    private static Long supervisorThread(long pid) {
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                if (Files.readString(task.resolve("comm")).strip().equals("clusterflock-su")) {
                    return Long.parseLong(task.getFileName().toString());
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    /** utime + stime of thread {@code tid} of {@code pid}, in clock ticks (1/100 s). */
    private static long cpuTicks(long pid, long tid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "task", Long.toString(tid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException e) {
            throw new AssertionError("cannot read the CPU time of thread " + tid + " of " + pid, e);
        }
    }
}
