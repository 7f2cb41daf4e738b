package io.clusterflock.jetty.inherited;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.eclipse.jetty.server.LocalConnector;

/**
 * Moves keep-alive clients off a worker that is draining, without a failed request: once
 * {@link #drain()} is called, every response says {@code Connection: close}, so each client learns
 * from an answer that it must reconnect (and the kernel hands its new connection to another
 * worker). Closing a kept-alive connection without such an answer races with the client's next
 * request, which then fails; Jetty's own graceful shutdown does that, and its
 * {@code GracefulHandler} answers 503 instead, so neither is used for the drain.
 *
 * <p>It also counts each connection's requests in the handler's hands ({@link InFlightRequests}),
 * so that the drain never takes a connection with a response on its way for an idle one; counts
 * the requests clients sent, and reports at once when the count crosses half the worker's
 * {@code --max-requests} limit and the limit itself (the master starts the replacement half-way and
 * stops this worker at its limit); and answers the server's own warm-up requests (those marked {@value #SERVER_WARMUP})
 * itself, without the application. Warm-up requests are not counted.
 */
public final class DrainHandler extends Handler.Wrapper {
    /** The header that marks a warm-up request; {@value #SERVER_WARMUP} asks this handler to answer it itself. */
    public static final String WARMUP_HEADER = "X-Clusterflock-Warmup";
    public static final String SERVER_WARMUP = "server";
    private static final ByteBuffer WARM = ByteBuffer.wrap("warm\n".getBytes(StandardCharsets.US_ASCII));
    private final AtomicLong requests = new AtomicLong();
    private final long halfway;
    private final long limit;
    private final LongConsumer report;
    private volatile boolean draining;

    /** {@code report} is called with the count when it reaches half of {@code limit}, and {@code limit}. */
    public DrainHandler(Handler handler, OptionalLong limit, LongConsumer report) {
        super(handler);
        this.limit = limit.orElse(-1);
        this.halfway = limit.isPresent() ? limit.getAsLong() / 2 : -1;
        this.report = report;
    }

    /** From now on every answer says {@code Connection: close}. */
    public void drain() {
        draining = true;
    }

    /** Requests received so far, for the master's status and max-requests. */
    public long requests() {
        return requests.get();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (request.getConnectionMetaData().getConnector() instanceof LocalConnector) {
            if (SERVER_WARMUP.equals(request.getHeaders().get(WARMUP_HEADER))) {
                response.write(true, WARM.slice(), callback);
                return true;
            }
        } else {
            long count = requests.incrementAndGet();
            if (count == halfway || count == limit) {
                report.accept(count);
            }
        }
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
