package io.clusterflock.cli;

import io.clusterflock.Worker;
import io.clusterflock.jetty.Clusterflock;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** The demo's worker: answers every request with its worker id and pid. */
public final class DemoWorker {
    private DemoWorker() {}

    public static void main(String[] args) {
        int id = Worker.current().map(Worker::id).orElse(-1);
        byte[] body = ("hello from worker " + id + " (pid " + ProcessHandle.current().pid() + ")\n")
                .getBytes(StandardCharsets.UTF_8);
        Clusterflock.serve(new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
                response.write(true, ByteBuffer.wrap(body), callback);
                return true;
            }
        });
    }
}
