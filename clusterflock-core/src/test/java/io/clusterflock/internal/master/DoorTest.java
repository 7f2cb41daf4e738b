package io.clusterflock.internal.master;

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
import io.clusterflock.internal.os.ListenSocket;
import io.clusterflock.internal.sticky.ClientMap;
import org.junit.jupiter.api.Test;

/**
 * A shutdown's door, against real sockets: it drops new handshakes while a queued connection stays
 * acceptable and talks; a worker's own wake-up connection from 127.255.0.0/16 passes.
 */
class DoorTest {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle ACCEPT = LINKER.downcallHandle(LINKER.defaultLookup().find("accept").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle WRITE = LINKER.downcallHandle(LINKER.defaultLookup().find("write").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle CLOSE = LINKER.downcallHandle(LINKER.defaultLookup().find("close").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final long WAIT_NANOS = 10_000_000_000L;

    @Test
    void aClosedDoorDropsNewHandshakesAndKeepsTheQueue() throws Throwable {
        try (ListenSocket socket = ListenSocket.open("127.0.0.1", 0, 16);
             Socket queued = new Socket("127.0.0.1", socket.port())) {
            awaitQueued(socket, 1);
            Door.close(socket);
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
                int ignored = (int) CLOSE.invokeExact(accepted);
            }
            queued.setSoTimeout(5_000);
            assertEquals("served\n", new String(queued.getInputStream().readAllBytes(), StandardCharsets.US_ASCII),
                    "a connection accepted after the door closed talks (it inherits the filter, which drops only SYNs)");
            assertEquals(0, socket.queued());
        }
    }

    @Test
    void aWorkersWakeUpFromTheWakeUpNetPassesAClosedDoor() throws IOException {
        try (ListenSocket socket = ListenSocket.open("127.0.0.1", 0, 16)) {
            Door.close(socket);
            try (Socket wakeUp = new Socket()) {
                wakeUp.bind(new InetSocketAddress(ClientMap.sharedWakeUpAddress(), 0));
                wakeUp.connect(socket.address(), 5_000);
            }
            try (Socket sticky = new Socket()) {
                sticky.bind(new InetSocketAddress(ClientMap.wakeUpAddress(3), 0));
                sticky.connect(socket.address(), 5_000);
            }
            try (Socket client = new Socket()) {
                client.bind(new InetSocketAddress(java.net.InetAddress.getByName("127.254.0.1"), 0));
                assertThrows(SocketTimeoutException.class, () -> client.connect(socket.address(), 300));
            }
        }
    }

    @Test
    void onceTheSocketIsGoneAClientIsRefused() throws IOException {
        InetSocketAddress address;
        try (ListenSocket socket = ListenSocket.open("127.0.0.1", 0, 16)) {
            Door.close(socket);
            address = socket.address();
        }
        try (Socket late = new Socket()) {
            assertThrows(ConnectException.class, () -> late.connect(address, 5_000));
        }
    }

    private static void awaitQueued(ListenSocket socket, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (socket.queued() != expected && System.nanoTime() - deadline < 0) {
            Thread.sleep(5);
        }
        assertEquals(expected, socket.queued());
    }
}
