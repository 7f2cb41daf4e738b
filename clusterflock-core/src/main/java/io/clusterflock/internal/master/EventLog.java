package io.clusterflock.internal.master;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import io.clusterflock.ClusterEvent;
import io.clusterflock.internal.util.Durations;
import io.clusterflock.ReadyWhen;
import io.clusterflock.WorkerInfo;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/** Writes one log line per cluster event; every line about a worker names its id and pid. */
final class EventLog implements Consumer<ClusterEvent> {
    private final System.Logger log = System.getLogger("io.clusterflock");
    private final ReadyWhen readyWhen;

    EventLog(ReadyWhen readyWhen) {
        this.readyWhen = readyWhen;
    }

    @Override
    public void accept(ClusterEvent event) {
        switch (event) {
            case ClusterEvent.Started e -> log.log(INFO, "listening on " + e.displayAddress() + " (" + url(e) + ") with "
                    + e.workers().size() + " workers, pids " + e.workers().stream()
                    .map(w -> Long.toString(w.pid())).collect(Collectors.joining(", ")));
            case ClusterEvent.Fork e -> log.log(INFO, e.worker().label() + " forked, generation " + e.worker().generation());
            case ClusterEvent.Online e -> log.log(DEBUG, e.worker().label() + " online");
            case ClusterEvent.Listening e -> log.log(readyWhen == ReadyWhen.LISTENING ? DEBUG : INFO,
                    e.worker().label() + " listening");
            case ClusterEvent.Message e -> log.log(DEBUG, e.worker().label() + " sent a message of "
                    + e.text().length() + " characters");
            case ClusterEvent.Status e -> log.log(INFO, e.worker().label() + " status: " + e.text());
            case ClusterEvent.Ready e -> log.log(readyWhen == ReadyWhen.STARTED ? DEBUG : INFO, e.worker().label() + " ready");
            case ClusterEvent.SpawnFailed e -> log.log(WARNING, "worker " + e.id() + " could not be started: " + e.reason()
                    + "; retrying in " + Durations.format(e.retryIn()));
            case ClusterEvent.ReadyTimeout e -> log.log(WARNING, e.worker().label() + " was not ready within "
                    + Durations.format(e.readyTimeout()) + ": killing it");
            case ClusterEvent.Stopping e -> log.log(INFO, e.worker().label() + " stopping (SIGTERM); killed if still running in "
                    + Durations.format(e.timeout()));
            case ClusterEvent.Recycling e -> log.log(INFO, e.worker().label() + " is being replaced: " + e.reason());
            case ClusterEvent.Hung e -> log.log(WARNING, e.worker().label() + " sent no heartbeat for "
                    + Durations.format(e.timeout()) + ": hung; thread dump requested (SIGQUIT), killing it");
            case ClusterEvent.StopTimeout e -> log.log(WARNING, e.worker().label() + " did not stop within "
                    + Durations.format(e.timeout()) + ": killed (SIGKILL)");
            case ClusterEvent.Disconnect e -> log.log(INFO, e.worker().label() + " stopped with " + e.status());
            case ClusterEvent.Exit e -> log.log(WARNING, e.worker().label() + " " + describe(e.reason()) + " with " + e.status()
                    + " after " + Durations.format(e.worker().uptime())
                    + e.respawnIn().map(d -> "; re-forking " + (d.isZero() ? "now" : "in " + Durations.format(d))).orElse(""));
            case ClusterEvent.Resized e -> log.log(INFO, "resized from " + e.from() + " to " + e.workers() + " workers");
            case ClusterEvent.ReloadStarted e -> log.log(INFO, (e.rolling() ? "rolling restart" : "reload")
                    + " to generation " + e.generation() + " started");
            case ClusterEvent.ReloadFinished e -> log.log(INFO, "generation " + e.generation() + " serving on every slot");
            case ClusterEvent.ReloadFailed e -> log.log(WARNING, "reload to generation " + e.generation()
                    + " gave up, the serving workers stay: " + e.reason());
            case ClusterEvent.Declined e -> log.log(WARNING, "declined " + e.request() + ": " + e.reason());
            case ClusterEvent.Shutdown e -> log.log(INFO, e.reason() + ": " + (e.graceful()
                    ? "graceful shutdown; workers still running in " + Durations.format(e.timeout()) + " will be killed"
                    : "immediate shutdown; killing every worker"));
            case ClusterEvent.Empty e -> log.log(DEBUG, "no worker left");
            case ClusterEvent.Stopped e -> log.log(INFO, "master stopped, exit code " + e.exitCode());
        }
    }

    /** "exited unexpectedly", or for a worker the master killed: "was killed (hung: …)". */
    private static String describe(String reason) {
        return reason.equals("exited unexpectedly") ? reason : "was killed (" + reason + ")";
    }

    private static String url(ClusterEvent.Started e) {
        String host = e.address().getAddress().isAnyLocalAddress() ? "localhost" : e.address().getHostString();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + e.address().getPort() + "/";
    }

}
