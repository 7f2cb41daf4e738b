package io.clusterflock.internal.master;

import io.clusterflock.ClusterEvent;
import io.clusterflock.ClusterException;
import io.clusterflock.ClusterOptions;
import io.clusterflock.internal.util.Signals;
import io.clusterflock.WorkerInfo;
import io.clusterflock.control.ControlException;
import io.clusterflock.internal.control.ControlServer;
import io.clusterflock.internal.ipc.IpcServer;
import io.clusterflock.internal.os.ListenSocket;
import io.clusterflock.internal.os.MachineMemory;
import io.clusterflock.internal.os.NativeException;
import io.clusterflock.internal.os.Platform;
import io.clusterflock.internal.os.ProcessTitle;
import io.clusterflock.internal.os.Processes;
import io.clusterflock.internal.os.Spawner;
import io.clusterflock.internal.os.WorkerAccount;
import io.clusterflock.internal.supervisor.Clock;
import io.clusterflock.internal.supervisor.Input;
import io.clusterflock.internal.supervisor.RolloutState;
import io.clusterflock.internal.supervisor.Supervisor;
import io.clusterflock.spi.MetricsEndpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Puts a master together, in an order that leaves nothing behind when a step fails: check the
 * platform and the command, claim the cluster's name (its control socket), listen, make the
 * private directory and the worker channel, start the orphan guard and the metrics endpoint, then
 * hand over to the supervisor thread and open the control socket to clients. Once stopped it
 * releases all of it.
 */
public final class Master {
    private final Listeners listeners;
    private final IpcServer ipc;
    private final SupervisorLoop loop;
    /** Released in reverse order of acquisition once the master has stopped. */
    private final Deque<AutoCloseable> resources;
    /** Completes only after everything is released: whoever exits on it leaves nothing behind. */
    private final CompletableFuture<Integer> exitCode;

    private Master(Listeners listeners, IpcServer ipc, SupervisorLoop loop, Deque<AutoCloseable> resources) {
        this.listeners = listeners;
        this.ipc = ipc;
        this.loop = loop;
        this.resources = resources;
        // On a thread of its own: not on whichever thread completes or waits on the loop's exit
        // (a control client's, answering "stop", whose socket the release closes).
        this.exitCode = loop.exitCode().whenCompleteAsync((code, failure) -> release(resources),
                task -> Thread.ofPlatform().name("clusterflock-release").start(task));
    }

    public static Master start(ClusterOptions options) {
        requireSupported();
        ConsoleLog.format(options.logFormat());
        if (options.logger().filter(logger -> logger.getName().equals("io.clusterflock")).isPresent()) {
            ConsoleLog.installForEventsUnlessConfigured();
        }
        Path command = resolve(options.command().getFirst());
        AotCache aotCache = AotCacheSetup.of(options, command);
        WorkerMemory.Decision memory = WorkerMemory.decide(options, command, MachineMemory.here());
        long startedAt = System.nanoTime();
        Deque<AutoCloseable> resources = new ArrayDeque<>();
        try {
            if (aotCache != null) {
                acquire(resources, aotCache); // released last: a cache still being assembled is waited for
            }
            // First: a second master of a taken name is refused as such, not as "port in use".
            ControlServer control = acquire(resources, ControlServer.bind(options.name(), ProcessHandle.current().pid()));
            Listeners socket = acquire(resources, listen(options));
            boolean anotherUser = options.user().isPresent() || options.group().isPresent();
            RuntimeDirectory directory = acquire(resources, RuntimeDirectory.create(anotherUser));
            SupervisorLoop loop = new SupervisorLoop();
            IpcServer ipc = acquire(resources, IpcServer.start(directory.path(), loop::submit));
            NotifyReceiver notify = acquire(resources, NotifyReceiver.start(directory.path(), loop::submit));
            WorkerAccount.of(options.user(), options.group()).ifPresent(account ->
                    directory.handOver(account, ipc.path(), notify.path())); // the workers' user reaches them, no one else
            OrphanGuard guard = OrphanGuard.start(options.timeout(), Titles.guard(options.title()), directory.path());
            if (guard != null) {
                acquire(resources, guard);
            }
            WorkerOutput output = acquire(resources, WorkerOutput.of(options));
            WorkerLauncher launcher = new WorkerLauncher(options, command, socket,
                    guard == null ? -1 : guard.processGroup(), ipc, notify.path(), loop::submit, output, aotCache, memory.memory());
            ZombieReaper reaper = ZombieReaper.startIfInit(launcher::spawned);
            if (reaper != null) {
                acquire(resources, reaper);
            }
            // Before the first spawn, so that it sees every event; closed once every worker is gone.
            MetricsEndpoint metrics = options.metrics().map(address -> acquire(resources, MetricsSetup.open(address, loop)))
                    .orElse(null);
            Consumer<ClusterEvent> events = fanOut(options, ipc, metrics);
            Supervisor supervisor = new Supervisor(options, launcher, Clock.SYSTEM, events);
            if (options.maxRss() > 0) {
                acquire(resources, MemorySampler.start(loop::snapshot, loop::submit));
            }
            if (options.signals()) {
                acquire(resources, new SignalRelay(loop::submit));
            }
            Master master = new Master(socket, ipc, loop, resources);
            loop.bind(supervisor,
                    () -> events.accept(new ClusterEvent.Started(socket.address(), socket.displayAddress(), loop.snapshot())),
                    crash -> master.killAll());
            ProcessTitle.set(Titles.master(options.title()));
            memory.announce(); // once nothing can refuse the start any more, before the first fork
            Thread.ofPlatform().name("clusterflock-supervisor").start(loop);
            control.serve(new MasterControl(master, options, startedAt));
            return master;
        } catch (NativeException | IOException | UncheckedIOException | ControlException e) {
            release(resources);
            throw new ClusterException(e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            release(resources);
            throw e;
        }
    }

    private static <T extends AutoCloseable> T acquire(Deque<AutoCloseable> resources, T resource) {
        resources.push(resource);
        return resource;
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
                !command.contains("/") ? "command not found: " + command + " (searched PATH)"
                        : java.nio.file.Files.isRegularFile(Path.of(command))
                        ? "cannot run " + command + ": the file is not executable (chmod +x?)"
                        : "cannot run " + command + ": no such file"));
    }

    private static Listeners listen(ClusterOptions options) {
        java.util.Optional<Integer> passed = SocketActivation.passedFd(System::getenv, ProcessHandle.current().pid());
        if (passed.isPresent()) {
            return SocketActivation.adopt(passed.get());
        }
        if (options.sticky()) {
            return StickyListeners.open(options.host(), options.port(), options.backlog(), options.workers());
        }
        return SharedListener.opened(ListenSocket.open(options.host(), options.port(), options.backlog()));
    }

    private static Consumer<ClusterEvent> fanOut(ClusterOptions options, IpcServer ipc, MetricsEndpoint metrics) {
        List<Consumer<ClusterEvent>> listeners = new ArrayList<>();
        options.logger().ifPresent(logger -> listeners.add(new EventLog(logger, options.readyWhen(), options.logFormat(),
                options.tlsCert().isPresent() ? "https" : "http")));
        listeners.add(new Messages(options.messageHandler(), ipc));
        SystemdNotify systemd = SystemdNotify.fromEnvironment(options.workers());
        if (systemd != null) {
            listeners.add(systemd);
        }
        if (metrics != null) {
            listeners.add(metrics);
        }
        listeners.addAll(options.listeners());
        return event -> {
            for (Consumer<ClusterEvent> listener : listeners) {
                try {
                    listener.accept(event);
                } catch (RuntimeException e) {
                    System.getLogger("io.clusterflock").log(System.Logger.Level.WARNING,
                            "a listener failed on " + event.getClass().getSimpleName() + ": " + e, e);
                }
            }
        };
    }

    public void submit(Input input) {
        loop.submit(input);
    }

    public InetSocketAddress address() {
        return listeners.address();
    }

    /** The listening address as the log shows it: "*:5000", "[::1]:8080". */
    public String displayAddress() {
        return listeners.displayAddress();
    }

    /** With sticky sessions, where {@code client}'s connections go, in words; empty without. */
    public java.util.Optional<String> stickySlot(java.net.InetAddress client) {
        return listeners instanceof StickyListeners sticky ? java.util.Optional.of(sticky.describe(client)) : java.util.Optional.empty();
    }

    /** How connections are spread over the workers: {@code shared} or {@code sticky}. */
    public String balance() {
        return listeners.balance();
    }

    public List<WorkerInfo> workers() {
        return loop.snapshot();
    }

    public RolloutState rollout() {
        return loop.rollout();
    }

    public List<io.clusterflock.SlotInfo> slots() {
        return loop.slots();
    }

    /** Queues {@code text} for the active worker in slot {@code id}; false when there is none connected. */
    public boolean send(int id, String text) {
        Messages.checkSize(text);
        return loop.snapshot().stream().filter(w -> w.id() == id && w.ending().isEmpty())
                .anyMatch(w -> ipc.send(w.pid(), text));
    }

    public int broadcast(String text) {
        Messages.checkSize(text);
        return ipc.broadcast(text);
    }

    public CompletableFuture<Integer> exitCode() {
        return exitCode;
    }

    /** Completes with the exit code once every worker is gone, just before the master releases what it holds. */
    public CompletableFuture<Integer> stopped() {
        return loop.exitCode();
    }

    private void killAll() {
        for (WorkerInfo worker : loop.snapshot()) {
            Processes.signal(worker.pid(), Signals.KILL);
        }
    }

    private static void release(Deque<AutoCloseable> resources) {
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                System.getLogger("io.clusterflock").log(System.Logger.Level.DEBUG, "release failed: " + e);
            }
        }
    }
}
