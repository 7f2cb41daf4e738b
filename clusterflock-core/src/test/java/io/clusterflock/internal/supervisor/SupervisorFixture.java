package io.clusterflock.internal.supervisor;

import io.clusterflock.ClusterEvent;
import io.clusterflock.ClusterOptions;
import io.clusterflock.ExitStatus;
import io.clusterflock.WorkerExit;
import io.clusterflock.WorkerInfo;
import io.clusterflock.WorkerState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** A supervisor driven by a fake clock and a fake process port: no process, no sleep. */
abstract class SupervisorFixture {
    final FakeClock clock = new FakeClock();
    final FakeProcesses processes = new FakeProcesses(clock);
    final List<ClusterEvent> events = new ArrayList<>();
    Supervisor supervisor;

    Supervisor start(int workers, Consumer<ClusterOptions.Builder> more) {
        ClusterOptions.Builder builder = ClusterOptions.builder().command("app").workers(workers).port(0)
                .readyAfter(Duration.ZERO).reloadSurge(ClusterOptions.MAX_WORKERS);
        more.accept(builder);
        supervisor = new Supervisor(builder.build(), processes, clock, events::add);
        settle();
        return supervisor;
    }

    Supervisor start(int workers) {
        return start(workers, b -> { });
    }

    void input(Input input) {
        supervisor.handle(input);
        settle();
    }

    /** Reconciles, and again while a deadline has come, as the loop does: it never waits for one already past. */
    void settle() {
        supervisor.reconcile();
        for (int turn = 0; turn < 10 && Clock.reached(supervisor.nextDeadline(), clock.now); turn++) {
            supervisor.reconcile();
        }
    }

    void exit(long pid, ExitStatus status) {
        processes.alive.remove(pid);
        input(new Input.Exited(pid, status));
    }

    /** Moves the clock to the supervisor's next deadline and reconciles. */
    void runToNextDeadline() {
        clock.now = supervisor.nextDeadline().orElseThrow();
        settle();
    }

    WorkerInfo worker(int id) {
        return supervisor.snapshot().stream().filter(w -> w.id() == id && w.state() != WorkerState.STOPPING)
                .findFirst().orElseThrow();
    }

    <T extends ClusterEvent> List<T> eventsOf(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** The process of {@code pid}, as the snapshot shows it. */
    WorkerInfo pid(long pid) {
        return supervisor.snapshot().stream().filter(w -> w.pid() == pid).findFirst().orElseThrow();
    }

    /** How the last process that exited ended. */
    WorkerExit lastExit() {
        return eventsOf(ClusterEvent.Exit.class).getLast().exit();
    }

    /** The generations of the workers in {@code state}, by slot. */
    List<Integer> generations(WorkerState state) {
        return supervisor.snapshot().stream().filter(w -> w.state() == state).map(WorkerInfo::generation).toList();
    }
}
