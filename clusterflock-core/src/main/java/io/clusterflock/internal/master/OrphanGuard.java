package io.clusterflock.internal.master;

import io.clusterflock.internal.os.NativeException;
import io.clusterflock.internal.os.Pipe;
import io.clusterflock.internal.os.Processes;
import io.clusterflock.internal.os.Spawner;
import io.clusterflock.internal.util.Signals;
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
 * timeout has passed, SIGKILLs what is left and removes the master's private directory. Unlike PR_SET_PDEATHSIG it does not depend on which master thread spawned the workers,
 * it is graceful first, and it reaches workers' own children too.
 *
 * <p>Workers in their own group also means a terminal's Ctrl-C reaches only the master, which then
 * stops the workers itself.
 */
final class OrphanGuard implements AutoCloseable {
    /**
     * $1: seconds to wait for the workers to drain; $2: the master's private directory. Counts the
     * members of its own process group through /proc (itself included) so that it leaves as soon
     * as the workers have.
     */
    private static final String SCRIPT = """
            trap '' HUP INT TERM
            while read -r _; do :; done
            kill -TERM 0 2>/dev/null
            members() {
              n=0
              for f in /proc/[0-9]*/stat; do
                read -r s 2>/dev/null < "$f" || continue
                s=${s##*) }; set -- $s
                [ "$3" = "$$" ] && n=$((n + 1))
              done
            }
            i=0
            while [ "$i" -lt "$1" ]; do
              members; [ "$n" -le 1 ] && break
              sleep 1; i=$((i + 1))
            done
            kill -KILL 0 2>/dev/null
            rm -rf "$2"
            """;

    private final long pid;
    private final Pipe lifeline;

    private OrphanGuard(long pid, Pipe lifeline) {
        this.pid = pid;
        this.lifeline = lifeline;
    }

    /** Starts the guard, or returns null (with the reason logged) where there is no /bin/sh. */
    static OrphanGuard start(Duration timeout, String title, Path privateDirectory) {
        Path sh = Path.of("/bin/sh");
        if (!Files.isExecutable(sh)) {
            System.getLogger("io.clusterflock").log(System.Logger.Level.WARNING,
                    "no /bin/sh: workers will not be stopped if the master is killed");
            return null;
        }
        Pipe lifeline = Pipe.open();
        try {
            String seconds = Long.toString(Math.max(1, timeout.toSeconds() + 1));
            long pid = Spawner.spawn(new Spawner.Request(sh,
                    List.of(title, "-c", SCRIPT, title, seconds, privateDirectory.toString()), Map.of("PATH", "/usr/bin:/bin"),
                    Map.of(0, lifeline.readFd()), 0));
            lifeline.closeRead();
            return new OrphanGuard(pid, lifeline);
        } catch (NativeException e) {
            lifeline.close();
            throw e;
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
