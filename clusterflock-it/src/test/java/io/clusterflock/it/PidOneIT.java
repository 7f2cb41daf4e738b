package io.clusterflock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The master as PID 1, as in a container without an init: every process orphaned in its PID
 * namespace becomes its child, and must be reaped when it ends, or the container fills with
 * zombies. Run in a PID namespace of its own ({@code unshare --pid --fork}, as root).
 */
@Timeout(120)
class PidOneIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void orphansOfWorkersAreReapedByTheMasterAsPidOne() {
        // Each worker leaves three orphans behind: subshells that exit at once, their sleeps re-parented to PID 1.
        List<String> worker = List.of("sh", "-c", "for i in 1 2 3; do (sleep 2 &); done; exec sleep 300");
        try (MasterProcess master = MasterProcess.startUnder(List.of("unshare", "--pid", "--fork", "--mount-proc", "--kill-child"),
                List.of("run", "-w", "2", "-p", "0", "--", worker.get(0), worker.get(1), worker.get(2)))) {
            long init = Await.value(WAIT, () -> "the master in its namespace" + master.output(),
                    () -> ProcessHandle.of(master.pid()).flatMap(unshare -> unshare.children().findFirst()).map(ProcessHandle::pid).orElse(null));
            master.started();
            Set<Long> orphans = ConcurrentHashMap.newKeySet();
            Await.until(WAIT, () -> "six orphans re-parented to the master, seen " + orphans + "; children now: " + children(init), () -> {
                children(init).stream().filter(child -> Procs.args(child).equals("sleep 2")).forEach(orphans::add);
                return orphans.size() >= 6;
            });
            Await.until(WAIT, () -> "every orphan gone, none left a zombie; children now: " + describe(children(init)),
                    () -> children(init).stream().noneMatch(child -> Procs.args(child).equals("sleep 2") || zombie(child)));
            assertEquals(3, children(init).size(), "the guard and two workers remain: " + describe(children(init)));
            assertTrue(Kill.signal(init, "TERM"));
            assertEquals(0, master.awaitExit(WAIT), master.output());
        }
    }

    private static List<Long> children(long parent) {
        return Procs.children(parent);
    }

    private static boolean zombie(long pid) {
        return Procs.state(pid).filter(state -> state.equals("Z")).isPresent();
    }

    private static String describe(List<Long> pids) {
        StringBuilder text = new StringBuilder();
        for (long pid : pids) {
            text.append(pid).append(' ').append(Procs.state(pid).orElse("?")).append(' ').append(Procs.args(pid)).append("; ");
        }
        return text.toString();
    }
}
