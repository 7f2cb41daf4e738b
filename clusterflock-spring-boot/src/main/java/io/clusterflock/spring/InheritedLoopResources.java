package io.clusterflock.spring;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.ServerSocketChannel;
import java.time.Duration;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.netty.resources.LoopResources;

/**
 * The application's Reactor Netty event loops, NIO ones, on which the server's channel is the
 * worker's inherited socket ({@link InheritedServerChannel}) rather than a socket of its own:
 * Reactor Netty makes a server's channel through its loop resources, and has no other hook for it.
 * NIO, not the native epoll transport, because only NIO wraps the JDK's inherited channel, which
 * knows not to be closed. The loops stay the application's: disposing of them is not ours.
 */
final class InheritedLoopResources implements LoopResources {
    private final Supplier<LoopResources> loops;
    private final Supplier<InheritedServerChannel> server;

    /** {@code loops}: read when the server binds, once Spring has made them. */
    InheritedLoopResources(Supplier<LoopResources> loops, Supplier<InheritedServerChannel> server) {
        this.loops = loops;
        this.server = server;
    }

    @Override
    public <C extends Channel> C onChannel(Class<C> type, EventLoopGroup group) {
        if (type == ServerSocketChannel.class) {
            return type.cast(server.get());
        }
        return loops.get().onChannel(type, group);
    }

    @Override
    public EventLoopGroup onServer(boolean useNative) {
        return loops.get().onServer(false);
    }

    @Override
    public EventLoopGroup onServerSelect(boolean useNative) {
        return loops.get().onServerSelect(false);
    }

    @Override
    public EventLoopGroup onClient(boolean useNative) {
        return loops.get().onClient(useNative);
    }

    @Override
    public boolean daemon() {
        return loops.get().daemon();
    }

    @Override
    public Mono<Void> disposeLater(Duration quietPeriod, Duration timeout) {
        return Mono.empty();
    }
}
