package io.clusterflock.internal.supervisor;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A process port that records what the supervisor asks of the operating system. */
final class FakeProcesses implements ProcessPort {
    record Spawn(int id, int generation, long pid, long at) {}
    record Sent(long pid, int signal) {}

    final List<Spawn> spawns = new ArrayList<>();
    final List<Sent> signals = new ArrayList<>();
    final Set<Long> alive = new HashSet<>();
    /** Each change of the slots with a serving worker, in order. */
    final List<Set<Integer>> serving = new ArrayList<>();
    /** What the supervisor asked, in order: "spawn 0", "reaped 100", "signal 100 15". */
    final List<String> calls = new ArrayList<>();
    private final FakeClock clock;
    private long nextPid = 100;
    /** When set, the next spawn fails with this message. */
    String failNextSpawn;
    /** Whether the listening socket has a door to close (the master's own), and what the kernel holds behind it. */
    boolean hasDoor;
    int waiting;
    /** Whether the workers spawned from now on carry a library that reports their readiness. */
    boolean reportReadiness;
    private final Set<Long> reporting = new HashSet<>();

    FakeProcesses(FakeClock clock) {
        this.clock = clock;
    }

    @Override
    public long spawn(int id, int generation, int workers, java.util.OptionalLong requestLimit) {
        if (failNextSpawn != null) {
            String message = failNextSpawn;
            failNextSpawn = null;
            throw new SpawnException(message);
        }
        long pid = nextPid++;
        calls.add("spawn " + id);
        spawns.add(new Spawn(id, generation, pid, clock.now));
        alive.add(pid);
        if (reportReadiness) {
            reporting.add(pid);
        }
        return pid;
    }

    @Override
    public boolean signal(long pid, int signal) {
        signals.add(new Sent(pid, signal));
        calls.add("signal " + pid + " " + signal);
        return alive.contains(pid);
    }

    @Override
    public void reaped(long pid, io.clusterflock.ExitStatus status) {
        calls.add("reaped " + pid);
    }

    @Override
    public void serving(Set<Integer> slots) {
        serving.add(Set.copyOf(slots));
    }

    @Override
    public boolean reportsReadiness(long pid) {
        return reporting.contains(pid);
    }

    @Override
    public boolean closeDoor() {
        calls.add("close door");
        return hasDoor;
    }

    @Override
    public int waiting() {
        return waiting;
    }

    Spawn last() {
        return spawns.getLast();
    }

    List<Long> signalled(int signal) {
        return signals.stream().filter(s -> s.signal() == signal).map(Sent::pid).toList();
    }
}
