package io.clusterflock.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Netty channel on a socket bound before it (as a master's is): binding changes nothing,
 * it accepts only between admit and stop, it knows its open connections, and its close leaves
 * the socket open.
 */
class InheritedServerChannelTest {
    private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final LinkedBlockingQueue<Object> accepted = new LinkedBlockingQueue<>();

    /** Registers what the channel accepts, as Reactor Netty's acceptor does, and hands it to the test. */
    private final class Acceptor extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            loops.register((io.netty.channel.Channel) msg);
            accepted.add(msg);
        }
    }

    @AfterEach
    void stopLoops() {
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Test
    void acceptsOnlyWhileAdmittedAndNeverClosesTheSocket() throws Exception {
        try (ServerSocketChannel socket = ServerSocketChannel.open()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = ((InetSocketAddress) socket.getLocalAddress()).getPort();
            InheritedServerChannel channel = new InheritedServerChannel(socket);
            channel.pipeline().addLast(new Acceptor());
            loops.register(channel).sync();
            channel.bind(new InetSocketAddress(8080)).sync();
            assertEquals(port, channel.localAddress().getPort(), "bound where the socket was, not to 8080");

            try (Socket early = new Socket(InetAddress.getLoopbackAddress(), port)) {
                assertEquals(null, accepted.poll(300, TimeUnit.MILLISECONDS), "not admitted yet");
                channel.admit();
                assertTrue(accepted.poll(5, TimeUnit.SECONDS) != null, "the queued connection, once admitted");
                assertEquals(1, channel.connections().size());
            }

            channel.stopAccepting();
            try (Socket late = new Socket(InetAddress.getLoopbackAddress(), port)) {
                assertEquals(null, accepted.poll(300, TimeUnit.MILLISECONDS), "stopped");
            }

            channel.close().sync();
            assertFalse(channel.isOpen());
            assertTrue(socket.isOpen(), "the socket itself stays open");
        }
    }

    @Test
    void forgetsAConnectionOnceClosed() throws Exception {
        try (ServerSocketChannel socket = ServerSocketChannel.open()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = ((InetSocketAddress) socket.getLocalAddress()).getPort();
            InheritedServerChannel channel = new InheritedServerChannel(socket);
            channel.pipeline().addLast(new Acceptor());
            loops.register(channel).sync();
            channel.admit();
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
                io.netty.channel.Channel connection = (io.netty.channel.Channel) accepted.poll(5, TimeUnit.SECONDS);
                connection.close().sync();
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (!channel.connections().isEmpty() && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                assertTrue(channel.connections().isEmpty());
            }
            channel.close().sync();
        }
    }
}
