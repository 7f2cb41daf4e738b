package io.clusterflock.jetty.inherited;

import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Attributes;
import org.eclipse.jetty.util.Callback;

/**
 * How many requests of a connection are in the handler's hands, from its {@code handle} until it
 * completes its callback, which is after the response's last write has completed. Jetty's own
 * counts cannot tell: it counts a response as out as soon as sending starts, before a byte is
 * written, and a response may pause between writes; a connection quiet by those counts could
 * still have a response on its way.
 *
 * <p>The count lives in the connection's attributes, so it ends with the connection.
 */
final class InFlightRequests {
    private static final String ATTRIBUTE = InFlightRequests.class.getName();

    private InFlightRequests() {}

    /** Counts {@code request} in; the returned callback counts it out as it completes. */
    static Callback begin(Request request, Callback callback) {
        AtomicInteger count = count(request.getConnectionMetaData());
        count.incrementAndGet();
        return Callback.from(callback, count::decrementAndGet);
    }

    /** For a request the handler did not take after all: its callback is not ours to complete. */
    static void cancel(Request request) {
        count(request.getConnectionMetaData()).decrementAndGet();
    }

    /** Whether a handler is still working on a request of {@code connection}. */
    static boolean any(Connection connection) {
        return connection instanceof Attributes attributes
                && attributes.getAttribute(ATTRIBUTE) instanceof AtomicInteger count && count.get() > 0;
    }

    private static AtomicInteger count(Attributes connection) {
        if (connection.getAttribute(ATTRIBUTE) instanceof AtomicInteger count) {
            return count;
        }
        synchronized (connection) { // HTTP/2: the streams of one connection race to create it
            if (connection.getAttribute(ATTRIBUTE) instanceof AtomicInteger count) {
                return count;
            }
            AtomicInteger count = new AtomicInteger();
            connection.setAttribute(ATTRIBUTE, count);
            return count;
        }
    }
}
