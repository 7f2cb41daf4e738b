package io.clusterflock.internal.os;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A shutdown's door and socket activation's hand-over, against real sockets: a closed door drops
 * new handshakes while a queued connection stays acceptable and talks; a passed fd is taken over
 * only when it is a listening TCP socket.
 */
class DoorTest {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle ACCEPT = LINKER.downcallHandle(LINKER.defaultLookup().find("accept").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle WRITE = LINKER.downcallHandle(LINKER.defaultLookup().find("write").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final long WAIT_NANOS = 10_000_000_000L;

    @Test
    void aClosedDoorDropsNewHandshakesAndKeepsTheQueue() throws Throwable {
        try (ListenSocket socket = ListenSocket.open("127.0.0.1", 0, 16);
             Socket queued = new Socket("127.0.0.1", socket.port())) {
            awaitQueued(socket, 1);
            socket.refuseHandshakes();
            try (Socket late = new Socket()) {
                assertThrows(SocketTimeoutException.class, () -> late.connect(socket.address(), 500),
                        "a SYN after the door closed is dropped: the client neither connects nor is refused yet");
            }
            assertEquals(1, socket.queued(), "the connection queued before stays");
            int accepted = (int) ACCEPT.invokeExact(socket.fd(), MemorySegment.NULL, MemorySegment.NULL);
            assertTrue(accepted >= 0, "accept failed");
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment text = arena.allocateFrom("served\n");
                long written = (long) WRITE.invokeExact(accepted, text, 7L);
                assertEquals(7L, written);
            } finally {
                Libc.call(Libc.CLOSE, accepted);
            }
            queued.setSoTimeout(5_000);
            assertEquals("served\n", new String(queued.getInputStream().readAllBytes(), StandardCharsets.US_ASCII),
                    "a connection accepted after the door closed talks (it inherits the filter, which drops only SYNs)");
            assertEquals(0, socket.queued());
        }
    }

    @Test
    void onceTheSocketIsGoneAClientIsRefused() throws IOException {
        InetSocketAddress address;
        try (ListenSocket socket = ListenSocket.open("127.0.0.1", 0, 16)) {
            socket.refuseHandshakes();
            address = socket.address();
        }
        try (Socket late = new Socket()) {
            assertThrows(ConnectException.class, () -> late.connect(address, 5_000));
        }
    }

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

    private static void awaitQueued(ListenSocket socket, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (socket.queued() != expected && System.nanoTime() - deadline < 0) {
            Thread.sleep(5);
        }
        assertEquals(expected, socket.queued());
    }
}
