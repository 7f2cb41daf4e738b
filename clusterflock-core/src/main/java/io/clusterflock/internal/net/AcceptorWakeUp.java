package io.clusterflock.internal.net;

import java.io.IOException;
import io.clusterflock.internal.sticky.ClientMap;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Brings an acceptor out of a blocking {@code accept()} without closing the listening socket: one
 * connection to the socket, closed at once, makes {@code accept()} return (Tomcat's
 * {@code unlockAccept} does the same). Closing the channel would wake it as well, but the JDK's
 * inherited channel, when closed, points fds 0, 1 and 2 at /dev/null
 * ({@code sun.nio.ch.InheritedChannel.detachIOStreams}), and only dup2, which needs native access,
 * could put them back.
 *
 * <p>The socket is shared: the kernel hands the connection to whichever process has waited longest
 * in {@code accept()}, not necessarily this one. Whoever takes it reads end-of-file and closes it;
 * no request is made. Repeated, it reaches this worker's acceptor after at most one connection per
 * acceptor waiting ahead of it.
 */
public final class AcceptorWakeUp {
    /** Loopback connects at once; only a full accept queue drops the SYN, and then real connections wake the acceptor. */
    private static final int CONNECT_TIMEOUT_MILLIS = 500;

    /** Where to connect, in order: the bound address, or loopback when bound to every interface. */
    private final List<InetSocketAddress> targets;
    /** Where to connect from: with sticky sessions, the address that reaches this slot's socket. */
    private final Optional<InetAddress> source;

    private AcceptorWakeUp(List<InetSocketAddress> targets, Optional<InetAddress> source) {
        this.targets = targets;
        this.source = source;
    }

    /** For the socket bound to {@code local}, shared by every worker. */
    public static AcceptorWakeUp of(SocketAddress local) {
        return of(local, OptionalInt.empty());
    }

    /**
     * For the socket bound to {@code local}; with sticky sessions, slot {@code stickySlot}'s own.
     * Over IPv4 the connection comes from the wake-up net 127.255.0.0/16 ({@code ClientMap}): its
     * SYN passes the door a shutdown closes, and with sticky sessions the slot's own address is
     * sent by the kernel's program to that slot's socket whatever the client table. Bound to an
     * IPv6 address only, it comes from ::1: a closed door drops it, and the drain waits for its
     * timeout (or, with sticky sessions, for a client of the slot).
     */
    public static AcceptorWakeUp of(SocketAddress local, OptionalInt stickySlot) {
        if (!(local instanceof InetSocketAddress bound)) {
            throw new IllegalArgumentException("not an IP socket: " + local);
        }
        List<InetSocketAddress> targets = targets(bound);
        List<InetSocketAddress> ipv4 = targets.stream().filter(t -> t.getAddress() instanceof Inet4Address).toList();
        InetAddress source = stickySlot.isPresent() ? ClientMap.wakeUpAddress(stickySlot.getAsInt()) : ClientMap.sharedWakeUpAddress();
        return ipv4.isEmpty() ? new AcceptorWakeUp(targets, Optional.empty()) : new AcceptorWakeUp(ipv4, Optional.of(source));
    }

    /** A wildcard address is reached through loopback; "::" takes IPv4 too, should ::1 be missing. */
    static List<InetSocketAddress> targets(InetSocketAddress bound) {
        InetAddress address = bound.getAddress();
        int port = bound.getPort();
        if (!address.isAnyLocalAddress()) {
            return List.of(bound);
        }
        InetSocketAddress ipv4 = new InetSocketAddress(ipv4Loopback(), port);
        return address instanceof Inet6Address
                ? List.of(new InetSocketAddress(ipv6Loopback(), port), ipv4)
                : List.of(ipv4);
    }

    /** Makes one connection and closes it; false when no target took it. */
    public boolean connect() {
        for (InetSocketAddress target : targets) {
            try (Socket socket = new Socket()) {
                if (source.isPresent()) {
                    socket.bind(new InetSocketAddress(source.get(), 0));
                }
                socket.connect(target, CONNECT_TIMEOUT_MILLIS);
                return true;
            } catch (IOException e) {
                // the next target, if any
            }
        }
        return false;
    }

    public List<InetSocketAddress> targets() {
        return targets;
    }

    private static InetAddress ipv4Loopback() {
        return loopback(new byte[] {127, 0, 0, 1});
    }

    private static InetAddress ipv6Loopback() {
        byte[] one = new byte[16];
        one[15] = 1;
        return loopback(one);
    }

    private static InetAddress loopback(byte[] address) {
        try {
            return InetAddress.getByAddress(address);
        } catch (IOException e) {
            throw new IllegalStateException("a literal address was refused", e);
        }
    }
}
