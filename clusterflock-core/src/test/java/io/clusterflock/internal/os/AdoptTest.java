package io.clusterflock.internal.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Socket activation's hand-over, against real sockets: a passed fd is taken over only when it is a listening TCP socket. */
class AdoptTest {

    @Test
    void aPassedListeningSocketIsTakenOverWithItsAddress() {
        try (ListenSocket original = ListenSocket.open("127.0.0.1", 0, 16)) {
            int copy = Libc.call(Libc.FCNTL_INT, original.fd(), Libc.F_DUPFD_CLOEXEC, 20).value();
            try (ListenSocket adopted = ListenSocket.adopt(copy, "fd " + copy)) {
                assertEquals(original.address(), adopted.address());
                assertEquals("127.0.0.1:" + original.port(), adopted.displayAddress());
                assertTrue(adopted.fd() >= 10);
            }
        }
    }

    @Test
    void whatIsNotAListeningTcpSocketIsRefusedInOneLine() {
        int udp = Libc.call(Libc.SOCKET, Libc.AF_INET, Libc.SOCK_DGRAM, 0).value();
        int unbound = Libc.call(Libc.SOCKET, Libc.AF_INET, Libc.SOCK_STREAM, 0).value();
        Pipe pipe = Pipe.open();
        try {
            assertEquals("fd " + udp + " is not a TCP socket",
                    assertThrows(NativeException.class, () -> ListenSocket.adopt(udp, "fd " + udp)).getMessage());
            assertEquals("fd " + unbound + " is a TCP socket that does not listen",
                    assertThrows(NativeException.class, () -> ListenSocket.adopt(unbound, "fd " + unbound)).getMessage());
            assertTrue(assertThrows(NativeException.class, () -> ListenSocket.adopt(pipe.readFd(), "fd 3"))
                    .getMessage().startsWith("fd 3 is not a socket"));
        } finally {
            Libc.call(Libc.CLOSE, udp);
            Libc.call(Libc.CLOSE, unbound);
            pipe.close();
        }
    }

    @Test
    void halfOpenHandshakesAreCountedByPort() {
        String table = """
                  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
                   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0
                   1: 0100007F:1F90 0100007F:D431 03 00000000:00000000 02:000000C8 00000000     0        0 0 0 0
                   2: 0100007F:1F91 0100007F:D432 03 00000000:00000000 02:000000C8 00000000     0        0 0 0 0
                   3: 0100007F:1F90 0100007F:D433 01 00000000:00000000 00:00000000 00000000     0        0 2 1 0
                """;
        assertEquals(1, HalfOpen.count(table, 8080));
        assertEquals(1, HalfOpen.count(table, 8081));
        assertEquals(0, HalfOpen.count(table, 80));
    }
}
