package io.clusterflock.internal.master;

import io.clusterflock.ClusterEvent;
import io.clusterflock.ClusterException;
import io.clusterflock.ClusterOptions;
import io.clusterflock.Signals;
import io.clusterflock.WorkerInfo;
import io.clusterflock.internal.os.ListenSocket;
import io.clusterflock.internal.os.NativeException;
import io.clusterflock.internal.os.Platform;
import io.clusterflock.internal.os.ProcessTitle;
import io.clusterflock.internal.os.Processes;
import io.clusterflock.internal.os.Spawner;
import io.clusterflock.internal.supervisor.Clock;
import io.clusterflock.internal.supervisor.Input;
import io.clusterflock.internal.supervisor.Supervisor;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Puts a master together, in the order that leaves nothing behind when a step fails: check the
 * platform and the command, listen, start the orphan guard, then hand over to the supervisor
 * thread. Once stopped it closes the socket and the guard.
 */
public final class Master {
    private final ListenSocket socket;
    private final OrphanGuard guard;
    private final SupervisorLoop loop;
    private final SignalRelay signals;

    private Master(ListenSocket socket, OrphanGuard guard, SupervisorLoop loop, SignalRelay signals) {
        this.socket = socket;
        this.guard = guard;
        this.loop = loop;
        this.signals = signals;
    }

    public static Master start(ClusterOptions options) {
        requireSupported();
        Path command = resolve(options.command().getFirst());
        ListenSocket socket = listen(options);
        OrphanGuard guard;
        try {
            guard = OrphanGuard.start(options.timeout(), Titles.guard(options.title()));
        } catch (NativeException e) {
            socket.close();
            throw new ClusterException(e.getMessage(), e);
        }
        SupervisorLoop loop = new SupervisorLoop();
        Consumer<ClusterEvent> events = fanOut(options);
        WorkerLauncher launcher = new WorkerLauncher(options, command, socket.fd(),
                guard == null ? -1 : guard.processGroup(), loop::submit);
        Supervisor supervisor = new Supervisor(options, launcher, Clock.SYSTEM, events);
        SignalRelay signals = options.signals() ? new SignalRelay(loop::submit) : null;
        Master master = new Master(socket, guard, loop, signals);
        loop.bind(supervisor,
                () -> events.accept(new ClusterEvent.Started(socket.address(), socket.displayAddress(), loop.snapshot())),
                crash -> master.killAll());
        ProcessTitle.set(Titles.master(options.title()));
        loop.exitCode().whenComplete((code, failure) -> master.release());
        Thread.ofPlatform().name("clusterflock-supervisor").start(loop);
        return master;
    }

    private static void requireSupported() {
        try {
            Platform.requireSupported();
        } catch (UnsupportedOperationException e) {
            throw new ClusterException(e.getMessage(), e);
        }
    }

    private static Path resolve(String command) {
        return Spawner.resolveExecutable(command, System.getenv("PATH")).orElseThrow(() -> new ClusterException(
                command.contains("/") ? "cannot run " + command + ": no such executable file"
                        : "command not found: " + command + " (searched PATH)"));
    }

    private static ListenSocket listen(ClusterOptions options) {
        try {
            return ListenSocket.open(options.host(), options.port(), options.backlog());
        } catch (NativeException e) {
            throw new ClusterException(e.getMessage(), e);
        }
    }

    private static Consumer<ClusterEvent> fanOut(ClusterOptions options) {
        EventLog log = new EventLog(options.readyWhen());
        List<Consumer<ClusterEvent>> listeners = options.listeners();
        return event -> {
            log.accept(event);
            for (Consumer<ClusterEvent> listener : listeners) {
                try {
                    listener.accept(event);
                } catch (RuntimeException e) {
                    System.getLogger("io.clusterflock").log(System.Logger.Level.WARNING,
                            "event listener failed on " + event.getClass().getSimpleName(), e);
                }
            }
        };
    }

    public void submit(Input input) {
        loop.submit(input);
    }

    public InetSocketAddress address() {
        return socket.address();
    }

    public List<WorkerInfo> workers() {
        return loop.snapshot();
    }

    public int generation() {
        return loop.generation();
    }

    public CompletableFuture<Integer> exitCode() {
        return loop.exitCode();
    }

    private void killAll() {
        for (WorkerInfo worker : loop.snapshot()) {
            Processes.signal(worker.pid(), Signals.KILL);
        }
    }

    /** After the last worker is gone: nothing of the master stays open. */
    private void release() {
        if (signals != null) {
            signals.close();
        }
        if (guard != null) {
            guard.close();
        }
        socket.close();
    }
}
