package io.clusterflock.it;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Sends signals as an operator does. TERM and KILL go through {@link ProcessHandle} (no process
 * to fork, so no delay on a busy machine); any other signal through {@code kill -s NAME pid}.
 */
final class Kill {
    private Kill() {}

    /** Sends SIG{@code name} (TERM, INT, KILL, TTIN...) to {@code pid}; false if it was not delivered. */
    static boolean signal(long pid, String name) {
        return switch (name) {
            case "TERM" -> ProcessHandle.of(pid).map(ProcessHandle::destroy).orElse(false);
            case "KILL" -> ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly).orElse(false);
            default -> run(name, Long.toString(pid));
        };
    }

    /** Sends SIG{@code name} to every process of group {@code pgid}. */
    static boolean signalGroup(long pgid, String name) {
        return run(name, "-" + pgid);
    }

    private static boolean run(String name, String target) {
        try {
            Process kill = new ProcessBuilder("kill", "-s", name, "--", target)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!kill.waitFor(5, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
                return false;
            }
            return kill.exitValue() == 0;
        } catch (IOException e) {
            throw new AssertionError("cannot run kill", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
