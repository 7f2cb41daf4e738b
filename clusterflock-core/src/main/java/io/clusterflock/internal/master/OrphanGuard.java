package io.clusterflock.internal.master;

import io.clusterflock.internal.os.Pipe;
import io.clusterflock.internal.os.Processes;
import io.clusterflock.internal.os.Spawner;
import io.clusterflock.internal.util.Signals;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Makes sure no worker outlives its master, even a master killed with SIGKILL. A small shell
 * process leads the workers' process group and blocks reading a pipe whose only writer is the
 * master. When the master dies, for any reason, the kernel closes that pipe; the guard wakes,
 * sends SIGTERM to the whole group (graceful drain), waits until the workers are gone or the stop
 * timeout has passed, removes the master's private directory and SIGKILLs what is left. Unlike
 * PR_SET_PDEATHSIG it does not depend on which master thread spawned the workers, it is graceful
 * first, and it reaches workers' own children too.
 *
 * <p>The script is the resource {@code guard.sh}. {@code sh} reads it from a pipe on its stdin and
 * gets no argument but argv[0], the title, so that {@code ps} shows {@code clusterflock guard
 * [title]} alone: with {@code sh -c SCRIPT} the whole script would follow the title, and
 * {@code exec -a} is not in dash. What the script needs comes in its environment and on fd 3.
 *
 * <p>Workers in their own group also means a terminal's Ctrl-C reaches only the master, which then
 * stops the workers itself.
 */
final class OrphanGuard implements AutoCloseable {
    private static final Path SH = Path.of("/bin/sh");
    private static final String SCRIPT = "guard.sh";
    /** Where the script finds the lifeline's read end. */
    private static final int LIFELINE_FD = 3;

    private final long pid;
    private final Pipe lifeline;

    private OrphanGuard(long pid, Pipe lifeline) {
        this.pid = pid;
        this.lifeline = lifeline;
    }

    /** Starts the guard, or returns null (with the reason logged) where there is no /bin/sh. */
    static OrphanGuard start(Duration timeout, String title, Path privateDirectory) {
        if (!Files.isExecutable(SH)) {
            System.getLogger("io.clusterflock").log(System.Logger.Level.WARNING,
                    "no /bin/sh: workers will not be stopped if the master is killed");
            return null;
        }
        Pipe lifeline = Pipe.open();
        try {
            long seconds = Math.max(1, timeout.toSeconds() + 1);
            long pid = spawn(title, lifeline.readFd(), seconds, privateDirectory);
            lifeline.closeRead();
            return new OrphanGuard(pid, lifeline);
        } catch (RuntimeException e) {
            lifeline.close();
            throw e;
        }
    }

    /**
     * Starts {@code sh} on the guard script as the leader of a new process group, watching the
     * pipe whose read end is {@code lifelineFd}; returns its pid (the caller reaps it). The guard
     * gives the workers {@code seconds} to drain, then removes {@code privateDirectory}.
     */
    static long spawn(String title, int lifelineFd, long seconds, Path privateDirectory) {
        byte[] script = script();
        try (Pipe stdin = Pipe.open()) {
            long pid = Spawner.spawn(new Spawner.Request(SH, List.of(title),
                    Map.of("PATH", "/usr/bin:/bin", "GUARD_SECONDS", Long.toString(seconds),
                            "GUARD_DIRECTORY", privateDirectory.toString()),
                    Map.of(0, stdin.readFd(), LIFELINE_FD, lifelineFd), 0));
            stdin.closeRead();
            try {
                // Written once the shell runs: it reads as we write, however long the script grows.
                stdin.write(script);
            } catch (RuntimeException e) {
                Processes.signal(pid, Signals.KILL);
                Processes.waitFor(pid);
                throw e;
            }
            return pid;
        }
    }

    private static byte[] script() {
        try (InputStream in = OrphanGuard.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException(SCRIPT + " is missing beside " + OrphanGuard.class.getName());
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + SCRIPT, e);
        }
    }

    /** The process group that workers join. */
    long processGroup() {
        return pid;
    }

    /** Stops the guard without waking it: used once the master has stopped every worker itself. */
    @Override
    public void close() {
        Processes.signal(pid, Signals.KILL);
        Processes.waitFor(pid);
        lifeline.close();
    }
}
