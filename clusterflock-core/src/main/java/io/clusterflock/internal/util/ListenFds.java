package io.clusterflock.internal.util;

import java.util.Optional;
import java.util.function.Function;

/**
 * systemd's socket activation as sd_listen_fds(3) reads it: when {@code LISTEN_PID} is this
 * process, {@code LISTEN_FDS} sockets were passed, the first at fd 3. Variables meant for another
 * process (a different {@code LISTEN_PID}, or none) are not ours.
 */
public final class ListenFds {
    /** The first passed fd (SD_LISTEN_FDS_START). */
    public static final int FIRST_FD = 3;

    private ListenFds() {}

    /**
     * How many sockets were passed to process {@code pid}; empty when none were meant for it.
     *
     * @throws IllegalArgumentException in one line, for a variable that is not a number
     */
    public static Optional<Integer> passedTo(long pid, Function<String, String> environment) {
        String listenPid = environment.apply("LISTEN_PID");
        String listenFds = environment.apply("LISTEN_FDS");
        if (listenPid == null || listenFds == null) {
            return Optional.empty();
        }
        if (!listenPid.strip().matches("[0-9]{1,10}")) {
            throw new IllegalArgumentException("LISTEN_PID='" + listenPid + "' is not a process id (systemd's socket activation sets it)");
        }
        if (Long.parseLong(listenPid.strip()) != pid) {
            return Optional.empty();
        }
        if (!listenFds.strip().matches("[0-9]{1,4}")) {
            throw new IllegalArgumentException("LISTEN_FDS='" + listenFds + "' is not a number of sockets (systemd's socket activation sets it)");
        }
        int count = Integer.parseInt(listenFds.strip());
        return count == 0 ? Optional.empty() : Optional.of(count);
    }
}
