package io.clusterflock.internal.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.clusterflock.ClusterException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Reading systemd's LISTEN_PID and LISTEN_FDS as sd_listen_fds(3) does (the options that conflict: ClusterOptionsTest). */
class SocketActivationTest {
    private static final long PID = 4711;

    @Test
    void oneSocketForThisProcessIsAtFdThree() {
        assertEquals(Optional.of(3), passed(Map.of("LISTEN_PID", "4711", "LISTEN_FDS", "1")));
    }

    @Test
    void variablesForAnotherProcessOrNoneAreNotOurs() {
        assertEquals(Optional.empty(), passed(Map.of("LISTEN_PID", "4712", "LISTEN_FDS", "1")));
        assertEquals(Optional.empty(), passed(Map.of("LISTEN_FDS", "1")));
        assertEquals(Optional.empty(), passed(Map.of()));
        assertEquals(Optional.empty(), passed(Map.of("LISTEN_PID", "4711", "LISTEN_FDS", "0")));
    }

    @Test
    void malformedVariablesAreOneLine() {
        assertEquals("LISTEN_FDS='two' is not a number of sockets (systemd's socket activation sets it)",
                refusal(Map.of("LISTEN_PID", "4711", "LISTEN_FDS", "two")));
        assertEquals("LISTEN_PID='me' is not a process id (systemd's socket activation sets it)",
                refusal(Map.of("LISTEN_PID", "me", "LISTEN_FDS", "1")));
        assertEquals("LISTEN_FDS=2: systemd passed 2 sockets; clusterflock serves one (give the .socket unit one ListenStream=)",
                refusal(Map.of("LISTEN_PID", "4711", "LISTEN_FDS", "2")));
    }

    private static Optional<Integer> passed(Map<String, String> env) {
        return SocketActivation.passedFd(env::get, PID);
    }

    private static String refusal(Map<String, String> env) {
        return assertThrows(ClusterException.class, () -> passed(env)).getMessage();
    }
}
