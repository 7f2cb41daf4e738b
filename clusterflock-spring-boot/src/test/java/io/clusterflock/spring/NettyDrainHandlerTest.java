package io.clusterflock.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** A connection's count, its idleness, and {@code Connection: close} once the worker drains. */
class NettyDrainHandlerTest {
    private final RequestCount requests = new RequestCount(OptionalLong.empty(), count -> {});
    private final AtomicBoolean draining = new AtomicBoolean();
    private final NettyDrainHandler handler = new NettyDrainHandler(requests, draining::get);
    private final EmbeddedChannel channel = new EmbeddedChannel(handler);

    @Test
    void countsRequestsAndIsIdleOnlyOnceEachIsAnswered() {
        channel.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"));
        channel.writeInbound(LastHttpContent.EMPTY_LAST_CONTENT);
        channel.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"));
        assertEquals(2, requests.get());
        assertFalse(handler.idleFor(0), "two requests unanswered");

        channel.writeOutbound(ok());
        assertFalse(handler.idleFor(0), "one request unanswered");
        channel.writeOutbound(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        channel.writeOutbound(LastHttpContent.EMPTY_LAST_CONTENT);
        assertTrue(handler.idleFor(0));
        assertFalse(handler.idleFor(60_000_000_000L), "not quiet for a minute");
    }

    @Test
    void aContinueIsNoAnswer() {
        channel.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/"));
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        assertFalse(handler.idleFor(0));
    }

    @Test
    void answersSayConnectionCloseOnlyOnceTheWorkerDrains() {
        channel.writeOutbound(ok());
        HttpResponse before = channel.readOutbound();
        assertNull(before.headers().get(HttpHeaderNames.CONNECTION));

        draining.set(true);
        channel.writeOutbound(ok());
        HttpResponse after = channel.readOutbound();
        assertEquals("close", after.headers().get(HttpHeaderNames.CONNECTION));
    }

    private static DefaultFullHttpResponse ok() {
        return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    }
}
