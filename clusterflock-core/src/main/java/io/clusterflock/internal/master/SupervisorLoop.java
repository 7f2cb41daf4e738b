package io.clusterflock.internal.master;

import io.clusterflock.SlotInfo;
import io.clusterflock.WorkerInfo;
import io.clusterflock.internal.supervisor.Input;
import io.clusterflock.internal.supervisor.RolloutState;
import io.clusterflock.internal.supervisor.Supervisor;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The one thread that owns the {@link Supervisor}: it takes inputs from a queue (signal handlers,
 * reapers, API calls only enqueue), hands them over, reconciles, and blocks until the next input or
 * the supervisor's next deadline. Everyone else reads the published snapshot.
 */
public final class SupervisorLoop implements Runnable {
    private final BlockingQueue<Input> inbox = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> exitCode = new CompletableFuture<>();
    private final System.Logger log = System.getLogger("io.clusterflock");
    private Supervisor supervisor;
    private Runnable afterFirstTurn = () -> { };
    private Consumer<Throwable> onCrash = t -> { };
    private volatile List<WorkerInfo> snapshot = List.of();
    private volatile List<SlotInfo> slots = List.of();
    private volatile RolloutState rollout = RolloutState.INITIAL;

    /** Binds the supervisor; {@code afterFirstTurn} runs once the first workers are spawned. */
    public void bind(Supervisor supervisor, Runnable afterFirstTurn, Consumer<Throwable> onCrash) {
        this.supervisor = supervisor;
        this.afterFirstTurn = afterFirstTurn;
        this.onCrash = onCrash;
    }

    /** Queues an input; safe from any thread, including a signal handler. */
    public void submit(Input input) {
        inbox.add(input);
    }

    @Override
    public void run() {
        try {
            turn();
            afterFirstTurn.run();
            while (!supervisor.finished()) {
                Input next = await(supervisor.nextDeadline());
                while (next != null) {
                    supervisor.handle(next);
                    next = inbox.poll();
                }
                turn();
            }
            exitCode.complete(supervisor.exitCode());
        } catch (Throwable t) {
            // A defect, not an operator error: say so in full, and take no worker down with us unsupervised.
            log.log(System.Logger.Level.ERROR, "supervisor failed; killing every worker", t);
            onCrash.accept(t);
            exitCode.completeExceptionally(t);
        }
    }

    private void turn() {
        supervisor.reconcile();
        snapshot = supervisor.snapshot();
        slots = supervisor.slotSnapshot();
        rollout = supervisor.rollout();
    }

    private Input await(OptionalLong deadline) throws InterruptedException {
        if (deadline.isEmpty()) {
            return inbox.take();
        }
        long wait = deadline.getAsLong() - System.nanoTime();
        return wait <= 0 ? inbox.poll() : inbox.poll(wait, TimeUnit.NANOSECONDS);
    }

    public List<WorkerInfo> snapshot() {
        return snapshot;
    }

    public List<SlotInfo> slots() {
        return slots;
    }

    public RolloutState rollout() {
        return rollout;
    }

    /** Completes with the master's exit code once every worker is gone. */
    public CompletableFuture<Integer> exitCode() {
        return exitCode;
    }
}
