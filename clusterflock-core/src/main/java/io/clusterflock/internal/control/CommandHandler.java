package io.clusterflock.internal.control;

import io.clusterflock.control.ControlCommand;

import io.clusterflock.internal.supervisor.Input;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Optional;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Carries out a command and answers it. Requests go through the supervisor's queue, as signals do,
 * and are answered once queued; stop and kill then wait until the master is gone, so that
 * {@code clusterflock stop} returns when the cluster has stopped.
 */
final class CommandHandler {
    /** How much longer than the workers' drain time stop and kill wait for the master to be gone. */
    static final Duration STOP_MARGIN = Duration.ofSeconds(5);

    /** Where the answer goes, a line (or several, joined by newlines) at a time. */
    interface Answer {
        void line(String text) throws IOException;
    }

    private final ControlledMaster master;

    CommandHandler(ControlledMaster master) {
        this.master = master;
    }

    void handle(ControlCommand command, Answer answer) throws IOException {
        switch (command) {
            case ControlCommand.Status s -> status(s.json(), answer);
            case ControlCommand.StickyFor s -> stickyFor(s.address(), answer);
            case ControlCommand.Scale s -> scale(s.workers(), answer);
            case ControlCommand.Reload _ -> reload(false, answer);
            case ControlCommand.Restart _ -> reload(true, answer);
            case ControlCommand.Stop _ -> stop(true, answer);
            case ControlCommand.Kill _ -> stop(false, answer);
        }
    }

    /** The master and its workers, as a table or one JSON object. */
    private void status(boolean json, Answer answer) throws IOException {
        StatusReport report = StatusReport.of(master);
        answer.line(json ? StatusJson.render(report) : String.join("\n", StatusText.render(report)));
    }

    /** Which slot a client address's connections go to, with sticky sessions. */
    private void stickyFor(String text, Answer answer) throws IOException {
        InetAddress address;
        try {
            address = InetAddress.ofLiteral(text);
        } catch (IllegalArgumentException e) {
            answer.line("error: sticky-for: '" + Quoting.shorten(text) + "' is not an IP address; use one such as 192.0.2.7 or 2001:db8::7");
            return;
        }
        Optional<String> where = master.stickySlot(address);
        answer.line(where.map(slot -> text + " goes to " + slot)
                .orElse("error: the cluster does not run sticky sessions (--sticky): every worker takes from one queue"));
    }

    /** Keep {@code workers} workers (the supervisor declines, and logs why, while stopping). */
    private void scale(int workers, Answer answer) throws IOException {
        int from = master.slots().size();
        master.submit(new Input.Resize(workers));
        answer.line(from == workers ? "already at " + workers + " workers"
                : "scaling from " + from + " to " + workers + " workers");
    }

    /** A new generation: every slot at once (reload), or one slot at a time (restart). */
    private void reload(boolean rolling, Answer answer) throws IOException {
        master.submit(new Input.Reload(rolling));
        answer.line(rolling ? "restarting: one slot at a time, each old worker drains once its replacement is ready"
                : "reloading: a new generation on every slot at once; old workers drain once their replacements are ready");
    }

    /** Graceful (drain, then kill after the timeout) or immediate; answers again once the master is gone. */
    private void stop(boolean graceful, Answer answer) throws IOException {
        Duration timeout = master.stopTimeout();
        master.submit(graceful ? new Input.Shutdown(true, "stop command") : new Input.Shutdown(false, "kill command"));
        answer.line(graceful ? "stopping: workers drain; those still running in " + StatusText.seconds(timeout) + " are killed"
                : "killing every worker");
        Duration bound = (graceful ? timeout : Duration.ZERO).plus(STOP_MARGIN);
        try {
            int code = master.stopped().get(bound.toMillis(), TimeUnit.MILLISECONDS);
            answer.line("stopped, exit code " + code);
        } catch (TimeoutException e) {
            answer.line("error: still stopping after " + StatusText.seconds(bound) + "; see the master's log");
        } catch (ExecutionException e) {
            answer.line("error: the master failed while stopping: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
