package example;

import io.clusterflock.jetty.WorkerConnector;
import io.clusterflock.worker.Worker;
import io.javalin.Javalin;

/**
 * A Javalin 7 application that runs as it is ({@code java -jar javalin.jar}: port 7070) or as a
 * cluster of workers on one port ({@code clusterflock run -w 2 -- java -jar javalin.jar}). The one
 * line that matters gives Javalin's Jetty the worker's connector on the master's socket; with it
 * come readiness once Javalin has started and warmed up, heartbeats, and a drain on SIGTERM that
 * fails no request. Outside clusterflock there is no worker and Javalin binds its own port.
 */
public final class JavalinApp {

    public static void main(String[] args) {
        Javalin app = Javalin.create(config -> {
            Worker.current().ifPresent(worker -> config.jetty.addConnector(
                    (server, http) -> WorkerConnector.create(worker, server, http)));
            config.jetty.port = 7070;
            config.startup.showJavalinBanner = false;
            config.routes.get("/", ctx -> ctx.result("hello from javalin worker " + System.getenv("WORKER_ID")
                    + " (pid " + ProcessHandle.current().pid() + ")\n"));
            config.routes.get("/sleep", ctx -> {
                long millis = Long.parseLong(ctx.queryParamAsClass("ms", String.class).getOrDefault("1000"));
                System.out.println("example: sleeping " + millis + " ms");
                Thread.sleep(millis);
                ctx.result("slept " + millis + " ms\n");
            });
        });
        app.start();
    }
}
