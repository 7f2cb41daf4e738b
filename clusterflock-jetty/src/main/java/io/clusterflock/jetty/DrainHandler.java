package io.clusterflock.jetty;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import java.util.concurrent.atomic.LongAdder;

/**
 * Moves keep-alive clients off a worker that is draining, without a failed request: once
 * {@link #drain()} is called, every response says {@code Connection: close}, so each client learns
 * from an answer that it must reconnect (and the kernel hands its new connection to another
 * worker). Closing a kept-alive connection without such an answer races with the client's next
 * request, which then fails; Jetty's own graceful shutdown does that, and its
 * {@code GracefulHandler} answers 503 instead, so neither is used for the drain.
 *
 * <p>It also counts each connection's requests in the handler's hands ({@link InFlightRequests}),
 * so that the drain never takes a connection with a response on its way for an idle one.
 */
final class DrainHandler extends Handler.Wrapper {
    private final LongAdder requests = new LongAdder();
    private volatile boolean draining;

    DrainHandler(Handler handler) {
        super(handler);
    }

    void drain() {
        draining = true;
    }

    /** Requests received so far, for the master's status and max-requests. */
    long requests() {
        return requests.sum();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        requests.increment();
        if (draining) {
            response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE);
        }
        boolean handled = false;
        try {
            handled = super.handle(request, response, InFlightRequests.begin(request, callback));
            return handled;
        } finally {
            if (!handled) {
                InFlightRequests.cancel(request);
            }
        }
    }
}
