package io.clusterflock.internal.sticky;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.clusterflock.internal.os.ReuseportGroup;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The kernel runs {@link ClientMap#program}: every connection from one client address waits in the
 * accept queue of the socket its bucket maps to (read with TCP_INFO, nothing is accepted). Clients
 * come from the loopback range, all of which is on {@code lo}.
 */
class StickyGroupTest {
    private static final int SLOTS = 3;
    private static final int CONNECTIONS_EACH = 3;
    private static final long SETTLE_NANOS = 5_000_000_000L;

    @ParameterizedTest(name = "listening on {0}")
    @ValueSource(strings = {"127.0.0.1", "*"})
    void everyConnectionOfAnAddressWaitsOnItsSlotsSocket(String host) throws Exception {
        try (ReuseportGroup group = ReuseportGroup.open(host, 0, 128)) {
            for (int i = 1; i < SLOTS; i++) {
                group.add();
            }
            int[] table = ClientMap.table(Set.of(0, 1, 2));
            group.attach(ClientMap.program(table));
            List<Socket> clients = new ArrayList<>();
            Set<Integer> used = new HashSet<>();
            try {
                for (int last = 2; last <= 17; last++) {
                    InetAddress client = InetAddress.getByName("127.0.0." + last);
                    int slot = table[ClientMap.bucket(client)];
                    used.add(slot);
                    int[] before = queued(group);
                    for (int i = 0; i < CONNECTIONS_EACH; i++) {
                        Socket socket = new Socket();
                        clients.add(socket);
                        socket.bind(new InetSocketAddress(client, 0));
                        socket.connect(new InetSocketAddress("127.0.0.1", group.port()), 2_000);
                    }
                    int[] expected = before.clone();
                    expected[slot] += CONNECTIONS_EACH;
                    awaitQueued(group, expected, client);
                }
            } finally {
                for (Socket socket : clients) {
                    socket.close();
                }
            }
            assertEquals(Set.of(0, 1, 2), used, "16 addresses spread over the three slots");
        }
    }

    @Test
    void aWakeUpAddressReachesItsSlotWhateverTheTable() throws Exception {
        try (ReuseportGroup group = ReuseportGroup.open("127.0.0.1", 0, 16)) {
            group.add();
            group.add();
            group.attach(ClientMap.program(new int[ClientMap.BUCKETS])); // every client to slot 0
            try (Socket first = connectFrom(ClientMap.wakeUpAddress(2).getHostAddress(), group.port());
                 Socket second = connectFrom(ClientMap.wakeUpAddress(1).getHostAddress(), group.port())) {
                awaitQueued(group, new int[] {0, 1, 1}, first.getLocalAddress());
            }
        }
    }

    @Test
    void aProgramTheKernelRefusesIsReportedWithTheAddress() {
        try (ReuseportGroup group = ReuseportGroup.open("127.0.0.1", 0, 16)) {
            List<io.clusterflock.internal.os.Bpf> jumpsPastTheEnd = List.of(io.clusterflock.internal.os.Bpf.jumpAlways(5));
            io.clusterflock.internal.os.NativeException refused = org.junit.jupiter.api.Assertions.assertThrows(
                    io.clusterflock.internal.os.NativeException.class, () -> group.attach(jumpsPastTheEnd));
            org.junit.jupiter.api.Assertions.assertTrue(refused.getMessage().startsWith(
                    "cannot attach the client-address program to the sockets of 127.0.0.1:" + group.port() + ": "), refused.getMessage());
        }
    }

    @Test
    void aNewProgramTakesOverAtOnce() throws Exception {
        try (ReuseportGroup group = ReuseportGroup.open("127.0.0.1", 0, 16)) {
            group.add();
            int[] allToOne = new int[ClientMap.BUCKETS];
            Arrays.fill(allToOne, 1);
            group.attach(ClientMap.program(allToOne));
            try (Socket socket = connectFrom("127.0.0.9", group.port())) {
                awaitQueued(group, new int[] {0, 1}, socket.getLocalAddress());
            }
            group.attach(ClientMap.program(new int[ClientMap.BUCKETS])); // every bucket to slot 0
            try (Socket socket = connectFrom("127.0.0.9", group.port())) {
                // the first connection stays queued, closed by its client but never accepted
                awaitQueued(group, new int[] {1, 1}, socket.getLocalAddress());
            }
        }
    }

    private static Socket connectFrom(String address, int port) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
        return socket;
    }

    private static int[] queued(ReuseportGroup group) {
        int[] counts = new int[group.size()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = group.queued(i);
        }
        return counts;
    }

    /** The handshake's last ACK reaches the queue just after connect() returns: wait for it, boundedly. */
    private static void awaitQueued(ReuseportGroup group, int[] expected, InetAddress client) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE_NANOS;
        int[] now = queued(group);
        while (!Arrays.equals(now, expected)) {
            if (System.nanoTime() - deadline > 0) {
                fail("connections from " + client.getHostAddress() + ": queues " + Arrays.toString(now)
                        + ", expected " + Arrays.toString(expected));
            }
            Thread.sleep(5);
            now = queued(group);
        }
    }
}
