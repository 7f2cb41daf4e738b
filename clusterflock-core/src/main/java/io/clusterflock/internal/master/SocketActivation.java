package io.clusterflock.internal.master;

import io.clusterflock.ClusterException;
import io.clusterflock.internal.os.ListenSocket;
import io.clusterflock.internal.os.NativeException;
import io.clusterflock.internal.util.ListenFds;
import java.util.Optional;
import java.util.function.Function;

/**
 * systemd's socket activation: the master serves the socket it was given instead of binding one.
 * systemd keeps its own copy, so connections that arrive while the service restarts wait in the
 * socket's queue for the next master. (Options that would choose another socket — a port, a host,
 * sticky sessions — are refused with the options, see {@code ClusterOptions.Builder#build}.)
 */
final class SocketActivation {
    private SocketActivation() {}

    /**
     * The fd of the socket passed to process {@code pid}, if one was.
     *
     * @throws ClusterException in one line, for variables that cannot be served: not numbers, or more than one socket
     */
    static Optional<Integer> passedFd(Function<String, String> environment, long pid) {
        Optional<Integer> count;
        try {
            count = ListenFds.passedTo(pid, environment);
        } catch (IllegalArgumentException e) {
            throw new ClusterException(e.getMessage(), e);
        }
        if (count.isPresent() && count.get() > 1) {
            throw new ClusterException("LISTEN_FDS=" + count.get() + ": systemd passed " + count.get()
                    + " sockets; clusterflock serves one (give the .socket unit one ListenStream=)");
        }
        return count.map(one -> ListenFds.FIRST_FD);
    }

    /** Takes over the passed socket at {@code fd}. */
    static SharedListener adopt(int fd) {
        try {
            return SharedListener.passed(ListenSocket.adopt(fd, "the socket systemd passed at fd " + fd + " (LISTEN_FDS=1)"));
        } catch (NativeException e) {
            throw new ClusterException(e.getMessage(), e);
        }
    }
}
