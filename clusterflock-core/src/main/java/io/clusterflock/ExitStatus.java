package io.clusterflock;

import io.clusterflock.internal.util.Signals;

/**
 * How a process ended: with an exit code, or killed by a signal.
 *
 * @param code   the exit code, or -1 when a signal ended the process
 * @param signal the signal number that ended it, or 0 when it exited by itself
 */
public record ExitStatus(int code, int signal) {

    /** An exit with {@code code}. */
    public static ExitStatus exited(int code) {
        return new ExitStatus(code, 0);
    }

    /** Death by signal {@code signal}. */
    public static ExitStatus killed(int signal) {
        return new ExitStatus(-1, signal);
    }


    public boolean bySignal() {
        return signal != 0;
    }

    /** "code 3" or "signal 9 (KILL)". */
    @Override
    public String toString() {
        return bySignal() ? "signal " + signal + " (" + Signals.name(signal) + ")" : "code " + code;
    }
}
