package io.clusterflock.internal.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.clusterflock.ExitStatus;
import io.clusterflock.internal.os.Pipe;
import io.clusterflock.internal.os.Processes;
import io.clusterflock.internal.os.Spawner;
import io.clusterflock.internal.util.Signals;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real guard script under {@code sh}, leading a group of dummy workers ({@code sleep}). A dummy
 * master holds the lifeline's write end as the real master does; killing it is the master's death.
 */
class OrphanGuardTest {
    private static final String PATH = "/usr/bin:/bin";
    private static final Path SLEEP = Spawner.resolveExecutable("sleep", PATH).orElseThrow();
    private static final Path SH = Path.of("/bin/sh");
    /** Generous: the guard polls its group once a second, and this machine may be loaded. */
    private static final Duration BOUND = Duration.ofSeconds(20);

    @TempDir
    Path tmp;
    private Path privateDirectory;
    /** Every child this test started and has not reaped yet: killed and reaped after each test. */
    private final List<Long> children = new ArrayList<>();

    @BeforeEach
    void makePrivateDirectory() throws IOException {
        privateDirectory = Files.createDirectory(tmp.resolve("master"));
        Files.writeString(privateDirectory.resolve("ipc.sock"), "stands for the master's sockets");
    }

    @AfterEach
    void reapLeftovers() {
        for (long pid : List.copyOf(children)) {
            Processes.signal(pid, Signals.KILL);
            reapWithin(pid);
        }
    }

    @Test
    void psShowsTheTitleAndNothingElse() throws Exception {
        String title = Titles.guard("shop");
        try (OrphanGuard guard = OrphanGuard.start(Duration.ofSeconds(1), title, privateDirectory)) {
            long pid = guard.processGroup(); // the guard leads its group: its pid is the group's id
            // posix_spawn returns once the child has left our memory, a moment before the kernel
            // has set up its new argv: until then cmdline reads empty.
            awaitCondition(() -> !cmdline(pid).isEmpty(), "the guard's exec to complete");
            assertEquals(List.of("clusterflock guard [shop]"), cmdline(pid));
            assertEquals("clusterflock guard [shop]", ps(pid));
        }
    }

    @Test
    void whenTheMasterIsGoneTheGroupGetsSigtermAndTheGuardCleansUp() {
        Pipe lifeline = Pipe.open();
        long master = start(List.of("sleep", "600"), Map.of(3, lifeline.writeFd()), -1);
        lifeline.closeWrite(); // the dummy master now holds the only write end
        long guard = startGuard(lifeline, 30);
        long first = start(List.of("sleep", "600"), Map.of(), (int) guard);
        long second = start(List.of("sleep", "600"), Map.of(), (int) guard);

        Processes.signal(master, Signals.KILL);
        assertEquals(ExitStatus.killed(Signals.KILL), reapWithin(master));

        assertEquals(ExitStatus.killed(Signals.TERM), reapWithin(first));
        assertEquals(ExitStatus.killed(Signals.TERM), reapWithin(second));
        // With its workers gone the guard does not wait out its 30 s: it removes the master's
        // directory and ends (its last SIGKILL reaches itself).
        assertEquals(ExitStatus.killed(Signals.KILL), reapWithin(guard));
        assertFalse(Files.exists(privateDirectory), "the master's private directory is left");
    }

    @Test
    void aWorkerThatIgnoresSigtermIsKilledOnceItsDrainTimeIsUp() {
        Pipe lifeline = Pipe.open();
        long master = start(List.of("sleep", "600"), Map.of(3, lifeline.writeFd()), -1);
        lifeline.closeWrite();
        long guard = startGuard(lifeline, 1);
        long stubborn = start(SH, List.of("sh", "-c", "trap '' TERM; exec sleep 600"), Map.of(), (int) guard);
        // Its trap is set once the shell has become sleep (which inherits the ignored TERM).
        awaitCondition(() -> cmdline(stubborn).equals(List.of("sleep", "600")), "the stubborn worker to exec sleep");

        Processes.signal(master, Signals.KILL);
        reapWithin(master);

        assertEquals(ExitStatus.killed(Signals.KILL), reapWithin(stubborn));
        reapWithin(guard);
        assertFalse(Files.exists(privateDirectory), "the master's private directory is left");
    }

    @Test
    void closeStopsTheGuardWithoutWakingIt() {
        OrphanGuard guard = OrphanGuard.start(Duration.ofSeconds(1), Titles.guard(null), privateDirectory);
        long worker = start(List.of("sleep", "600"), Map.of(), (int) guard.processGroup());

        guard.close(); // the guard is dead and reaped once this returns

        // Had the guard woken, its SIGTERM would have ended the worker before our SIGKILL does.
        Processes.signal(worker, Signals.KILL);
        assertEquals(ExitStatus.killed(Signals.KILL), reapWithin(worker));
        assertTrue(Files.exists(privateDirectory), "the guard removed the directory of a master still running");
    }

    /** The guard on {@code lifeline}'s read end, as the master starts it; the test keeps no end. */
    private long startGuard(Pipe lifeline, long seconds) {
        long guard = OrphanGuard.spawn(Titles.guard("test"), lifeline.readFd(), seconds, privateDirectory);
        children.add(guard);
        lifeline.closeRead();
        return guard;
    }

    private long start(List<String> argv, Map<Integer, Integer> fds, int processGroup) {
        return start(SLEEP, argv, fds, processGroup);
    }

    private long start(Path executable, List<String> argv, Map<Integer, Integer> fds, int processGroup) {
        long pid = Spawner.spawn(new Spawner.Request(executable, argv, Map.of("PATH", PATH), fds, processGroup));
        children.add(pid);
        return pid;
    }

    private ExitStatus reapWithin(long pid) {
        FutureTask<ExitStatus> wait = new FutureTask<>(() -> Processes.waitFor(pid));
        Thread.ofPlatform().daemon().name("wait-" + pid).start(wait);
        try {
            ExitStatus status = wait.get(BOUND.toSeconds(), TimeUnit.SECONDS);
            children.remove(pid);
            return status;
        } catch (TimeoutException e) {
            return fail("process " + pid + " did not end within " + BOUND.toSeconds() + " s: " + cmdline(pid));
        } catch (Exception e) {
            return fail(e);
        }
    }

    private static void awaitCondition(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("waited " + BOUND.toSeconds() + " s for " + what);
            }
            try {
                Thread.sleep(10); // polling /proc: the kernel has no event for an exec
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }

    /** argv as the kernel shows it in /proc/PID/cmdline. */
    private static List<String> cmdline(long pid) {
        try {
            String raw = Files.readString(Path.of("/proc/" + pid + "/cmdline"), StandardCharsets.UTF_8);
            return raw.isEmpty() ? List.of() : Arrays.asList(raw.split("\0"));
        } catch (IOException e) {
            return List.of();
        }
    }

    /** What {@code ps -o args=} shows for {@code pid}. */
    private static String ps(long pid) throws IOException, InterruptedException {
        Process ps = new ProcessBuilder("ps", "-o", "args=", "-p", Long.toString(pid)).redirectErrorStream(true).start();
        String out = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(ps.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS), "ps did not end");
        return out;
    }
}
