package io.clusterflock.spring;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.function.BooleanSupplier;

/**
 * One connection's part of a Netty worker: counts the requests its client sends, and once the
 * worker drains puts {@code Connection: close} on every answer. It sits just before Reactor
 * Netty's reactive bridge, after its {@code HttpTrafficHandler}, so an answer passes here first on
 * its way out, and Reactor Netty, seeing the header, closes the connection after that answer: the
 * client learns from an answer that it must reconnect, and the kernel hands its new connection to
 * another worker. It also tells whether its connection is idle (every request answered, nothing
 * read or written for a while), which the drain closes. Its state is its event loop's alone.
 */
final class NettyDrainHandler extends ChannelDuplexHandler {
    /** Its name in the pipeline. */
    static final String NAME = "clusterflock.drain";
    private final RequestCount requests;
    private final BooleanSupplier draining;
    private int unanswered;
    private long lastActivity = System.nanoTime();

    NettyDrainHandler(RequestCount requests, BooleanSupplier draining) {
        this.requests = requests;
        this.draining = draining;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastActivity = System.nanoTime();
        if (msg instanceof HttpRequest) {
            unanswered++;
            requests.increment();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        lastActivity = System.nanoTime();
        boolean informational = msg instanceof HttpResponse response
                && response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
        if (msg instanceof HttpResponse response && !informational && draining.getAsBoolean()) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        if (msg instanceof LastHttpContent && !informational) {
            ctx.write(msg, promise.unvoid()).addListener((ChannelFutureListener) written -> answered());
        } else {
            ctx.write(msg, promise);
        }
    }

    private void answered() {
        unanswered = Math.max(0, unanswered - 1);
        lastActivity = System.nanoTime();
    }

    /** Every request answered, and nothing read or written for {@code nanos}. On the event loop. */
    boolean idleFor(long nanos) {
        return unanswered == 0 && System.nanoTime() - lastActivity >= nanos;
    }
}
