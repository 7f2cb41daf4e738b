package io.clusterflock.internal.master;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import io.clusterflock.ClusterEvent;
import io.clusterflock.EndCause;
import io.clusterflock.ReadyWhen;
import io.clusterflock.WorkerInfo;
import io.clusterflock.internal.util.Durations;
import java.lang.System.Logger.Level;
import java.util.stream.Collectors;

/**
 * The words of the log: one line per event, every line about a worker naming its id and pid, and
 * the level it is logged at. Both log formats take their text from here.
 */
final class EventText {
    /** A line and its level. */
    record Line(Level level, String text) {}

    private final ReadyWhen readyWhen;
    /** How the listening line's URL starts: {@code https} when the workers serve TLS. */
    private final String scheme;

    EventText(ReadyWhen readyWhen) {
        this(readyWhen, "http");
    }

    EventText(ReadyWhen readyWhen, String scheme) {
        this.readyWhen = readyWhen;
        this.scheme = scheme;
    }

    Line of(ClusterEvent event) {
        return switch (event) {
            case ClusterEvent.Started e -> info("listening on " + e.displayAddress() + " (" + url(e) + ") with "
                    + count(e.workers().size(), "worker") + ", " + (e.workers().size() == 1 ? "pid " : "pids ")
                    + e.workers().stream().map(w -> Long.toString(w.pid())).collect(Collectors.joining(", ")));
            case ClusterEvent.Fork e -> info(e.worker().label() + " forked, generation " + e.worker().generation());
            case ClusterEvent.Online e -> new Line(DEBUG, e.worker().label() + " online");
            case ClusterEvent.Listening e -> new Line(readyWhen == ReadyWhen.LISTENING ? DEBUG : INFO, e.worker().label() + " listening");
            case ClusterEvent.Message e -> new Line(DEBUG, e.worker().label() + " sent a message of "
                    + count(e.text().length(), "character"));
            case ClusterEvent.Status e -> info(e.worker().label() + " status: " + e.text());
            case ClusterEvent.Ready e -> info(e.worker().label() + " ready");
            case ClusterEvent.SpawnFailed e -> warn("worker " + e.id() + " could not be started: " + e.reason()
                    + "; retrying in " + Durations.format(e.retryIn()));
            case ClusterEvent.Recycling e -> info(e.worker().label() + " is being replaced: " + e.cause().describe());
            case ClusterEvent.Stopping e -> info(e.worker().label() + " stopping (SIGTERM): " + e.cause().describe()
                    + "; killed if still running in " + Durations.format(e.timeout()));
            case ClusterEvent.Killing e -> killing(e.worker(), e.cause());
            case ClusterEvent.StopTimeout e -> warn(e.worker().label() + " did not stop within "
                    + Durations.format(e.timeout()) + ": killed (SIGKILL)");
            case ClusterEvent.Exit e -> new Line(e.exit().cause().failure() ? WARNING : INFO, e.worker().label() + " "
                    + e.exit().describe() + e.respawnIn().map(d -> "; re-forking " + (d.isZero() ? "now" : "in " + Durations.format(d))).orElse(""));
            case ClusterEvent.Resized e -> info("resized from " + e.from() + " to " + count(e.workers(), "worker"));
            case ClusterEvent.ReloadStarted e -> info((e.rolling() ? "rolling restart" : "reload") + " to generation "
                    + e.generation() + " started");
            case ClusterEvent.ReloadFinished e -> info("generation " + e.generation() + " serving on every slot");
            case ClusterEvent.ReloadFailed e -> warn("reload to generation " + e.generation() + " gave up, generation "
                    + e.serving() + " keeps serving: " + e.reason());
            case ClusterEvent.Declined e -> warn("declined " + e.request() + ": " + e.reason());
            case ClusterEvent.Shutdown e -> info(e.by() + ": " + (!e.graceful() ? "immediate shutdown; killing every worker"
                    : "graceful shutdown; " + (e.delay().isZero() ? "" : "serving on for " + Durations.format(e.delay()) + ", then ")
                    + "workers drain, those still running after " + Durations.format(e.timeout()) + " are killed"));
            case ClusterEvent.Closing e -> info("no new connections from now on; " + (e.waiting() == 0 ? "none waiting"
                    : count(e.waiting(), "accepted connection") + " waiting for a worker") + ", then workers drain");
            case ClusterEvent.Empty e -> new Line(DEBUG, "no worker left");
            case ClusterEvent.Stopped e -> info("master stopped, exit code " + e.exitCode());
        };
    }

    private static Line killing(WorkerInfo worker, EndCause cause) {
        return switch (cause) {
            case EndCause.Hung h -> warn(worker.label() + " sent no heartbeat for " + Durations.format(h.timeout())
                    + ": hung; thread dump requested (SIGQUIT), killing it");
            case EndCause.NotReady n -> warn(worker.label() + " was not ready within " + Durations.format(n.timeout())
                    + ": killing it");
            default -> info(worker.label() + " killed (SIGKILL): " + cause.describe());
        };
    }

    /** "1 worker", "3 workers". */
    static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static Line info(String text) {
        return new Line(INFO, text);
    }

    private static Line warn(String text) {
        return new Line(WARNING, text);
    }

    private String url(ClusterEvent.Started e) {
        String host = e.address().getAddress().isAnyLocalAddress() ? "localhost" : e.address().getHostString();
        return scheme + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + e.address().getPort() + "/";
    }
}
