package io.clusterflock.internal.master;

import io.clusterflock.internal.os.Bpf;
import io.clusterflock.internal.os.ListenSocket;
import io.clusterflock.internal.sticky.ClientMap;
import java.util.List;

/**
 * A graceful shutdown's door: a socket filter on the listening sockets that drops every SYN, so
 * no new handshake starts, while handshake-completing ACKs pass (connections begun before the
 * door closed join the queue) and so does everything on connections accepted later, which
 * inherit the filter. A client's dropped SYN is retried and refused once the socket is gone.
 * SYNs from the wake-up network 127.255.0.0/16 pass: they are the workers' own connections that
 * bring an acceptor out of {@code accept()} when it drains.
 */
final class Door {
    private static final int SYN = 0x02;
    private static final int ACCEPT = -1;
    private static final int DROP = 0;

    /** Socket filter: TCP header at offset 0 (flags at byte 13), the IP header at {@link Bpf#NET_OFF}. */
    static final List<Bpf> PROGRAM = List.of(
            Bpf.loadByte(13),                                // 0: TCP flags
            Bpf.jumpIfAnySet(SYN, 0, 7),                     // 1: a SYN? else to 9, accept
            Bpf.loadByte(Bpf.NET_OFF),                       // 2: IP version and header length
            Bpf.shiftRight(4),                               // 3
            Bpf.jumpIfEqual(4, 0, 3),                        // 4: IPv4? else to 8, drop
            Bpf.loadWord(Bpf.NET_OFF + 12),                  // 5: source address
            Bpf.and(0xffff0000),                             // 6
            Bpf.jumpIfEqual(ClientMap.WAKE_UP_NET, 1, 0),    // 7: a worker's own wake-up? to 9, else 8
            Bpf.returnConstant(DROP),                        // 8
            Bpf.returnConstant(ACCEPT));                     // 9

    private Door() {}

    static void close(ListenSocket socket) {
        socket.filter(PROGRAM, "stop new connections");
    }
}
