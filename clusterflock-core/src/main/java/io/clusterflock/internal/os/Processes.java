package io.clusterflock.internal.os;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.clusterflock.ExitStatus;
import io.clusterflock.internal.util.Signals;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/** Waiting for, signalling and measuring processes by pid: children we spawned, and their process groups. */
public final class Processes {

    private static final int WNOHANG = 1;

    private Processes() {}

    /**
     * Blocks until child {@code pid} ends, reaps it and tells how it ended. Call it from a platform
     * thread: a virtual thread would pin its carrier for the whole wait.
     *
     * @throws NativeException e.g. "cannot wait for process 123: No child processes" (not our child,
     *                         or already reaped)
     */
    public static ExitStatus waitFor(long pid) {
        Platform.requireSupported();
        int target = positivePid(pid, "pid");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment status = arena.allocate(JAVA_INT);
            while (true) {
                Libc.Result result = Libc.call(Libc.WAITPID, target, status, 0);
                if (!result.failed()) {
                    return fromWaitStatus(status.get(JAVA_INT, 0));
                }
                if (result.errno() != Libc.EINTR) { // a signal handler ran: just wait again
                    throw NativeException.of("cannot wait for process " + pid, result.errno());
                }
            }
        }
    }

    /**
     * Reaps child {@code pid} if it has ended, without waiting: empty when it still runs, or is not
     * (or no longer) our child.
     */
    public static java.util.Optional<ExitStatus> reapIfEnded(long pid) {
        Platform.requireSupported();
        int target = positivePid(pid, "pid");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment status = arena.allocate(JAVA_INT);
            Libc.Result result = Libc.call(Libc.WAITPID, target, status, WNOHANG);
            return result.failed() || result.value() == 0 ? java.util.Optional.empty()
                    : java.util.Optional.of(fromWaitStatus(status.get(JAVA_INT, 0)));
        }
    }

    /**
     * Sends {@code signal} to process {@code pid}.
     *
     * @return false when the process no longer exists (a zombie still counts as existing)
     * @throws NativeException e.g. "cannot send signal TERM to process 1: Operation not permitted"
     */
    public static boolean signal(long pid, int signal) {
        Platform.requireSupported();
        return kill(positivePid(pid, "pid"), signal, "process " + pid);
    }

    /**
     * Sends {@code signal} to every process of group {@code pgid}.
     *
     * @return false when the group has no process left
     */
    public static boolean signalGroup(long pgid, int signal) {
        Platform.requireSupported();
        int group = positivePid(pgid, "process group");
        // kill(-1) means every process we may signal: never let pgid 1 turn into that.
        if (group == 1) {
            throw new IllegalArgumentException("refusing to signal process group 1");
        }
        return kill(-group, signal, "process group " + pgid);
    }

    /**
     * Gives {@code signal} back its default action if this process was started with it ignored
     * (a background job of a script starts with INT ignored, nohup with HUP), so that a handler can
     * be installed: the JVM installs none for a signal ignored when it starts. A signal with a
     * handler or the default action is left as it is.
     */
    public static void unignore(int signal) {
        Platform.requireSupported();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment current = arena.allocate(Libc.SIGACTION_BYTES);
            if (Libc.call(Libc.SIGACTION, signal, MemorySegment.NULL, current).value() != 0
                    || current.get(java.lang.foreign.ValueLayout.ADDRESS, 0).address() != 1) { // SIG_IGN
                return;
            }
            MemorySegment byDefault = arena.allocate(Libc.SIGACTION_BYTES); // zeroed: SIG_DFL, empty mask, no flags
            Libc.call(Libc.SIGACTION, signal, byDefault, MemorySegment.NULL);
        }
    }

    /**
     * The resident memory of {@code pid} in bytes ({@code VmRSS} in /proc/PID/status), if it is
     * still there. Needs no page size and no native call: a few microseconds, so the master can
     * sample every worker several times a second.
     */
    public static OptionalLong residentMemory(long pid) {
        try {
            // "...\nVmRSS:\t   12345 kB\n...": found and parsed without a regex
            String status = Files.readString(Path.of("/proc", Long.toString(pid), "status"));
            int at = status.indexOf("\nVmRSS:");
            if (at >= 0) {
                int start = at + "\nVmRSS:".length();
                int end = status.indexOf(" kB", start);
                return OptionalLong.of(Long.parseLong(status.substring(start, end).strip()) * 1024);
            }
        } catch (IOException | RuntimeException e) {
            // gone, or a kernel thread (no VmRSS)
        }
        return OptionalLong.empty();
    }

    public static long currentPid() {
        return ProcessHandle.current().pid();
    }

    private static boolean kill(int target, int signal, String whom) {
        Libc.Result result = Libc.call(Libc.KILL, target, signal);
        if (!result.failed()) {
            return true;
        }
        if (result.errno() == Libc.ESRCH) {
            return false;
        }
        throw NativeException.of("cannot send signal " + Signals.name(signal) + " to " + whom, result.errno());
    }

    /** 0 and negative pids have special meanings for waitpid and kill (groups, everyone): refuse them. */
    private static int positivePid(long pid, String what) {
        if (pid <= 0 || pid > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("invalid " + what + ": " + pid);
        }
        return (int) pid;
    }

    /** Decodes a {@code waitpid} status word (Linux layout). */
    static ExitStatus fromWaitStatus(int status) {
        int termSignal = status & 0x7f;
        return termSignal == 0 ? ExitStatus.exited((status >> 8) & 0xff) : ExitStatus.killed(termSignal);
    }
}
