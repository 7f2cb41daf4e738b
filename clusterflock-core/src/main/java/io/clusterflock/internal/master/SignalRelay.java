package io.clusterflock.internal.master;

import io.clusterflock.internal.os.Processes;
import io.clusterflock.internal.util.Signals;
import io.clusterflock.internal.supervisor.Input;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Takes over the master's signals. The handlers only enqueue (gunicorn: "NO LOGGING, just queue
 * the signal"); the supervisor thread does the work. QUIT is left to the JVM's thread dumps.
 */
public final class SignalRelay implements AutoCloseable {
    private static final Map<String, Integer> HANDLED = Map.of(
            "TERM", Signals.TERM, "INT", Signals.INT, "HUP", Signals.HUP,
            "USR2", Signals.USR2, "TTIN", Signals.TTIN, "TTOU", Signals.TTOU);

    private final Map<Signal, SignalHandler> previous = new HashMap<>();

    public SignalRelay(Consumer<Input> sink) {
        HANDLED.forEach((name, number) -> {
            Signal signal = new Signal(name);
            try {
                Processes.unignore(number); // the master's signals work however it was started
                previous.put(signal, Signal.handle(signal, s -> sink.accept(new Input.SignalReceived(number))));
            } catch (IllegalArgumentException e) {
                // -Xrs, or another library took it first: the operator loses that signal, not the cluster.
                System.getLogger("io.clusterflock").log(System.Logger.Level.WARNING,
                        "cannot handle SIG" + name + " (" + e.getMessage() + "); that signal will not reach the master");
            }
        });
    }

    /** Puts the previous handlers back. */
    @Override
    public void close() {
        previous.forEach(Signal::handle);
        previous.clear();
    }
}
