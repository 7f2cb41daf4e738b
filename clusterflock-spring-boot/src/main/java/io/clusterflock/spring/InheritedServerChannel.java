package io.clusterflock.spring;

import io.netty.channel.Channel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.SocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Netty's NIO server channel on the worker's inherited socket, which the master has bound and
 * listens on. Binding does nothing, and closing leaves the socket open: it is the JDK's inherited
 * channel, whose close points fds 0, 1 and 2 at /dev/null (the process's exit closes it). It
 * accepts only while admitted, neither before the worker is warm nor once it drains: meanwhile the
 * kernel hands the connections to the other workers. It knows every connection it accepted until
 * that one closes, from the accept on, before Reactor Netty has even set up its pipeline.
 *
 * <p>Netty puts the socket in non-blocking mode, and O_NONBLOCK is a flag that every worker's copy
 * of the socket shares. Workers that all wait in a selector, as Netty's do, are unaffected; a
 * worker of another kind in a blocking {@code accept()} would spin on the same socket.
 */
final class InheritedServerChannel extends NioServerSocketChannel {
    private static final long STOP_SECONDS = 5;
    private final Set<Channel> connections = ConcurrentHashMap.newKeySet();
    private volatile boolean accepting;
    private volatile boolean closed;

    InheritedServerChannel(ServerSocketChannel inherited) {
        super(inherited);
    }

    /** Starts accepting: the worker is warm. */
    void admit() {
        eventLoop().execute(() -> {
            accepting = true;
            config().setAutoRead(true);
            read();
        });
    }

    /**
     * Stops accepting, leaving the socket open for the other workers; returns once no accept is in
     * progress here, every connection taken so far being among {@link #connections}.
     */
    void stopAccepting() throws InterruptedException {
        accepting = false;
        if (isRegistered()) {
            // On the event loop that accepts: once this has run, no accept() is under way.
            eventLoop().submit(() -> config().setAutoRead(false)).await(STOP_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** The connections accepted and not yet closed. */
    Set<Channel> connections() {
        return connections;
    }

    @Override
    protected void doBeginRead() throws Exception {
        if (accepting) {
            super.doBeginRead(); // OP_ACCEPT: also what Reactor Netty's acceptor re-enables after an error
        }
    }

    @Override
    protected int doReadMessages(List<Object> buf) throws Exception {
        if (!accepting) {
            return 0;
        }
        int read = super.doReadMessages(buf);
        if (read > 0) {
            Channel connection = (Channel) buf.getLast();
            connections.add(connection);
            connection.closeFuture().addListener(closed -> connections.remove(connection));
        }
        return read;
    }

    /** The master bound the socket. */
    @Override
    protected void doBind(SocketAddress localAddress) {
    }

    /** Closed for Netty; open for the other workers and for this process's stdout and stderr. */
    @Override
    protected void doClose() {
        closed = true;
    }

    @Override
    public boolean isOpen() {
        return !closed && super.isOpen();
    }
}
