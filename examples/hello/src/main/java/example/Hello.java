package example;

import io.clusterflock.jetty.Clusterflock;

public final class Hello {
    public static void main(String[] args) {
        Clusterflock.serve(exchange -> {
            byte[] body = ("hello from worker " + System.getenv("WORKER_ID") + "\n").getBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        }, options -> options.workers(3));
    }
}
