package io.clusterflock.internal.master;

import io.clusterflock.ExitStatus;
import io.clusterflock.internal.os.Processes;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongPredicate;

/**
 * What an init does, for a master that is PID 1 (a container without one): every process orphaned
 * in the container is re-parented to it, and when it ends it stays a zombie until its parent
 * reaps it. The master's own workers and the JDK's child processes each have a thread blocked in
 * {@code waitpid} for them and are reaped the moment they end; this reaps the rest: twice a
 * second it looks for zombie children in {@code /proc} and reaps those that were already zombies
 * the time before, so it never takes an exit status someone else is waiting for (a JDK
 * {@code Process} would lose its exit code).
 */
final class ZombieReaper implements AutoCloseable {
    private static final long PERIOD_MILLIS = 500;

    private final System.Logger log = System.getLogger("io.clusterflock");
    private final Thread thread;
    private final long self;
    private final LongPredicate ours;

    private ZombieReaper(long self, LongPredicate ours) {
        this.self = self;
        this.ours = ours;
        this.thread = Thread.ofPlatform().daemon().name("clusterflock-zombie-reaper").start(this::run);
    }

    /** Starts reaping when this process is PID 1; null otherwise. {@code ours}: pids with a reaper of their own. */
    static ZombieReaper startIfInit(LongPredicate ours) {
        long pid = ProcessHandle.current().pid();
        return pid == 1 ? new ZombieReaper(pid, ours) : null;
    }

    private void run() {
        Set<Long> seen = Set.of();
        try {
            while (true) {
                Set<Long> zombies = zombieChildren();
                for (long pid : zombies) {
                    if (seen.contains(pid) && !ours.test(pid)) {
                        Optional<ExitStatus> status = Processes.reapIfEnded(pid);
                        status.ifPresent(s -> log.log(System.Logger.Level.DEBUG, "reaped orphan pid " + pid + " (" + s + ")"));
                    }
                }
                seen = zombies;
                Thread.sleep(PERIOD_MILLIS);
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    /** The pids of this process's children that have ended and wait to be reaped. */
    private Set<Long> zombieChildren() {
        Set<Long> zombies = new HashSet<>();
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path process : processes) {
                if (isZombieChildOf(read(process.resolve("stat")), self)) {
                    zombies.add(Long.parseLong(process.getFileName().toString()));
                }
            }
        } catch (IOException | RuntimeException e) {
            log.log(System.Logger.Level.DEBUG, "cannot list processes: " + e);
        }
        return zombies;
    }

    /** {@code /proc/PID/stat}: "PID (COMM) STATE PPID …"; COMM may hold spaces and parentheses, so split after the last ')'. */
    static boolean isZombieChildOf(String stat, long parent) {
        int end = stat.lastIndexOf(')');
        if (end < 0) {
            return false;
        }
        String[] fields = stat.substring(end + 1).trim().split(" ", 3);
        return fields.length >= 2 && fields[0].equals("Z") && fields[1].equals(Long.toString(parent));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return ""; // gone meanwhile
        }
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
