package io.clusterflock.internal.master;

import io.clusterflock.ClusterEvent;
import io.clusterflock.EndCause;
import io.clusterflock.WorkerExit;
import io.clusterflock.WorkerInfo;
import io.clusterflock.internal.util.Json;
import io.clusterflock.internal.util.Signals;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One event as one JSON object on one line ({@code --log-format json}): {@code ts}, {@code level},
 * {@code event}, and where they apply {@code slot}, {@code pid}, {@code generation}, {@code cause}
 * with what the cause carries ({@code requests} and {@code requestLimit}, {@code rssBytes}...),
 * {@code expected} (every exit; false only for an exit nobody asked for), the event's own fields,
 * and {@code message}, the text line. Field names are documented in docs/OPERATIONS.md.
 */
final class EventJson {
    private EventJson() {}

    static String write(Instant ts, EventText.Line line, ClusterEvent event) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("ts", ts.toString());
        json.put("level", line.level().getName().toLowerCase(Locale.ROOT));
        json.put("event", name(event));
        fields(event, json);
        json.put("message", line.text());
        return Json.write(json);
    }

    /** "reload-started" for ReloadStarted. */
    static String name(ClusterEvent event) {
        return event.getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    private static void fields(ClusterEvent event, Map<String, Object> json) {
        switch (event) {
            case ClusterEvent.Started e -> {
                json.put("address", e.displayAddress());
                json.put("port", e.address().getPort());
                json.put("workers", e.workers().size());
                json.put("pids", e.workers().stream().map(w -> (Object) w.pid()).toList());
            }
            case ClusterEvent.Fork e -> worker(e.worker(), json);
            case ClusterEvent.Online e -> worker(e.worker(), json);
            case ClusterEvent.Listening e -> worker(e.worker(), json);
            case ClusterEvent.Message e -> {
                worker(e.worker(), json);
                json.put("characters", e.text().length());
            }
            case ClusterEvent.Status e -> {
                worker(e.worker(), json);
                json.put("status", e.text());
            }
            case ClusterEvent.Ready e -> worker(e.worker(), json);
            case ClusterEvent.SpawnFailed e -> {
                json.put("slot", e.id());
                json.put("reason", e.reason());
                json.put("retryInMillis", e.retryIn().toMillis());
            }
            case ClusterEvent.Recycling e -> {
                worker(e.worker(), json);
                cause(e.cause(), json);
            }
            case ClusterEvent.Stopping e -> {
                worker(e.worker(), json);
                cause(e.cause(), json);
                json.put("timeoutMillis", e.timeout().toMillis());
            }
            case ClusterEvent.Killing e -> {
                worker(e.worker(), json);
                cause(e.cause(), json);
            }
            case ClusterEvent.StopTimeout e -> {
                worker(e.worker(), json);
                json.put("timeoutMillis", e.timeout().toMillis());
            }
            case ClusterEvent.Exit e -> {
                worker(e.worker(), json);
                exit(e.exit(), json);
                json.put("respawnInMillis", e.respawnIn().map(Duration::toMillis).orElse(null));
            }
            case ClusterEvent.Resized e -> {
                json.put("from", e.from());
                json.put("workers", e.workers());
            }
            case ClusterEvent.ReloadStarted e -> {
                json.put("generation", e.generation());
                json.put("rolling", e.rolling());
            }
            case ClusterEvent.ReloadFinished e -> json.put("generation", e.generation());
            case ClusterEvent.ReloadFailed e -> {
                json.put("generation", e.generation());
                json.put("serving", e.serving());
                json.put("reason", e.reason());
            }
            case ClusterEvent.Declined e -> {
                json.put("request", e.request());
                json.put("reason", e.reason());
            }
            case ClusterEvent.Shutdown e -> {
                json.put("graceful", e.graceful());
                json.put("by", e.by());
                json.put("delayMillis", e.delay().toMillis());
                json.put("timeoutMillis", e.timeout().toMillis());
            }
            case ClusterEvent.Closing e -> json.put("waiting", e.waiting());
            case ClusterEvent.Empty e -> { }
            case ClusterEvent.Stopped e -> json.put("exitCode", e.exitCode());
        }
    }

    private static void worker(WorkerInfo worker, Map<String, Object> json) {
        json.put("slot", worker.id());
        json.put("pid", worker.pid());
        json.put("generation", worker.generation());
    }

    /** The cause's code, its words, and what it carries as numbers: a reader never parses the words. */
    private static void cause(EndCause cause, Map<String, Object> json) {
        json.put("cause", cause.code());
        json.put("reason", cause.describe());
        switch (cause) {
            case EndCause.Shutdown s -> json.put("by", s.by());
            case EndCause.Kill k -> json.put("by", k.by());
            case EndCause.Replaced r -> json.put("toGeneration", r.generation());
            case EndCause.Superseded r -> { } // its generation is the worker's own
            case EndCause.MaxRequests m -> {
                json.put("requests", m.served());
                json.put("requestLimit", m.limit());
            }
            case EndCause.MaxRss m -> {
                json.put("rssBytes", m.rss());
                json.put("maxRssBytes", m.limit());
                json.put("graceMillis", m.grace().toMillis());
            }
            case EndCause.MaxAge m -> json.put("maxAgeMillis", m.maxAge().toMillis());
            case EndCause.Hung h -> json.put("workerTimeoutMillis", h.timeout().toMillis());
            case EndCause.NotReady n -> json.put("readyTimeoutMillis", n.timeout().toMillis());
            case EndCause.ScaledDown d -> { }
            case EndCause.Unexpected u -> { }
        }
    }

    private static void exit(WorkerExit exit, Map<String, Object> json) {
        cause(exit.cause(), json);
        json.put("expected", exit.expected());
        boolean signal = exit.status().bySignal();
        json.put("code", signal ? null : exit.status().code());
        json.put("signal", signal ? Signals.name(exit.status().signal()) : null);
        json.put("uptimeMillis", exit.uptime().toMillis());
    }
}
