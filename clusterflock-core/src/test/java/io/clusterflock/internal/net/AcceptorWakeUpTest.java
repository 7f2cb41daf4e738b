package io.clusterflock.internal.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Waking a blocked accept() with a connection of our own, on real sockets. */
class AcceptorWakeUpTest {

    @Test
    void aSocketOnEveryInterfaceIsReachedThroughLoopback() throws Exception {
        assertEquals(List.of(address("::1", 80), address("127.0.0.1", 80)),
                AcceptorWakeUp.targets(address("::", 80)));
        assertEquals(List.of(address("127.0.0.1", 80)), AcceptorWakeUp.targets(address("0.0.0.0", 80)));
        assertEquals(List.of(address("192.0.2.7", 80)), AcceptorWakeUp.targets(address("192.0.2.7", 80)));
    }

    @Test
    void aConnectionBringsABlockedAcceptOut() throws Exception {
        try (ServerSocketChannel listening = ServerSocketChannel.open().bind(new InetSocketAddress(0))) {
            CompletableFuture<SocketChannel> accepted = new CompletableFuture<>();
            Thread acceptor = Thread.ofPlatform().daemon().start(() -> {
                try {
                    accepted.complete(listening.accept());
                } catch (Exception e) {
                    accepted.completeExceptionally(e);
                }
            });

            assertTrue(AcceptorWakeUp.of(listening.getLocalAddress()).connect());

            try (SocketChannel connection = accepted.get(20, TimeUnit.SECONDS)) {
                assertTrue(connection.isConnected());
            }
            acceptor.join();
            assertTrue(listening.isOpen());
        }
    }

    private static InetSocketAddress address(String literal, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(literal), port);
    }
}
