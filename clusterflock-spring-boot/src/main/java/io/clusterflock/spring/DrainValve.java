package io.clusterflock.spring;

import jakarta.servlet.ServletException;
import java.io.IOException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;

/**
 * The engine's first valve: counts the requests clients send on the inherited socket (not the
 * warm-up's), and once the worker drains, puts {@code Connection: close} on every answer, so each
 * keep-alive client learns from an answer that it must reconnect, and the kernel hands its new
 * connection to another worker. Closing a kept-alive connection without such an answer races with
 * the client's next request, which then fails.
 */
final class DrainValve extends ValveBase {
    private final RequestCount requests;
    private volatile Connector inherited;
    private volatile boolean draining;

    DrainValve(RequestCount requests) {
        super(true);
        this.requests = requests;
    }

    /** The connector whose requests count. */
    void countOn(Connector connector) {
        this.inherited = connector;
    }

    void drain() {
        draining = true;
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        if (request.getConnector() == inherited) {
            requests.increment();
        }
        if (draining) {
            response.setHeader("Connection", "close");
        }
        getNext().invoke(request, response);
    }
}
