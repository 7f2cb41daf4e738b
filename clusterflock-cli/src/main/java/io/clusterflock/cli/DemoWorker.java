package io.clusterflock.cli;

import io.clusterflock.worker.Worker;
import io.clusterflock.jetty.Clusterflock;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * The demo's worker: answers every request with its worker id and pid. {@code GET /sleep?ms=N}
 * answers after N milliseconds (at most a minute), to watch a graceful drain or a reload finish
 * slow requests.
 */
public final class DemoWorker {
    private static final long MAX_SLEEP_MILLIS = 60_000;

    private DemoWorker() {}

    public static void main(String[] args) {
        int id = Worker.current().map(Worker::id).orElse(-1);
        byte[] body = ("hello from worker " + id + " (pid " + ProcessHandle.current().pid() + ")\n")
                .getBytes(StandardCharsets.UTF_8);
        Clusterflock.serve(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                if (Request.getPathInContext(request).equals("/sleep")) {
                    Thread.sleep(sleepMillis(Request.extractQueryParameters(request)));
                }
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
                response.write(true, ByteBuffer.wrap(body), callback);
                return true;
            }
        });
    }

    private static long sleepMillis(Fields query) {
        try {
            return Math.clamp(Long.parseLong(query.getValue("ms")), 0, MAX_SLEEP_MILLIS);
        } catch (NumberFormatException | NullPointerException e) {
            return 0;
        }
    }
}
