package io.clusterflock.internal.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Connections half-way through their handshake to a listening port: the SYN came, the SYN-ACK
 * went, the client's ACK has not arrived. The kernel keeps them apart from the accept queue
 * (TCP_INFO does not count them); {@code /proc/net/tcp} and {@code tcp6} list them in state
 * {@code 03} (SYN_RECV). A shutdown that has closed the door waits for them too: once their ACK
 * comes they are queued connections like any other.
 */
public final class HalfOpen {
    private static final String SYN_RECV = "03";

    private HalfOpen() {}

    /** How many handshakes to local {@code port} are half-way, in this network namespace. */
    public static int count(int port) {
        return count(read("/proc/net/tcp"), port) + count(read("/proc/net/tcp6"), port);
    }

    /**
     * Counts them in the text of one {@code /proc/net/tcp*} file: a header line, then one line per
     * socket, {@code "  sl  local_address rem_address   st …"}, the local address ending in
     * {@code :PORT} in hex.
     */
    static int count(String table, int port) {
        String localPort = ":" + String.format("%04X", port);
        int count = 0;
        for (String line : table.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length > 3 && fields[1].endsWith(localPort) && fields[3].equals(SYN_RECV)) {
                count++;
            }
        }
        return count;
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            return ""; // no IPv6 in this kernel, or no /proc: nothing to wait for that we can see
        }
    }
}
