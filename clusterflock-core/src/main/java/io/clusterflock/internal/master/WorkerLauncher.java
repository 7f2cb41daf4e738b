package io.clusterflock.internal.master;

import io.clusterflock.ClusterOptions;
import io.clusterflock.ExitStatus;
import io.clusterflock.internal.ipc.IpcServer;
import io.clusterflock.internal.os.NativeException;
import io.clusterflock.internal.os.Processes;
import io.clusterflock.internal.os.Spawner;
import io.clusterflock.internal.os.WorkerAccount;
import java.util.Optional;
import io.clusterflock.internal.supervisor.Input;
import io.clusterflock.internal.supervisor.ProcessPort;
import io.clusterflock.internal.util.WarmupEnvironment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.stream.Stream;
import io.clusterflock.internal.tls.Http2Setting;
import io.clusterflock.internal.tls.TlsFiles;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The real {@link ProcessPort}: spawns worker processes with the listening socket at fd 0 and 3
 * and nothing else of the master's (stdout and stderr as {@link WorkerOutput} says), and starts
 * one reaper thread per worker that reports its exit.
 */
final class WorkerLauncher implements ProcessPort {
    /** Set by the master for each worker; anything inherited under these names is dropped. */
    private static final List<String> MASTER_OWNED = Stream.concat(Stream.of(
            "LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES", "NOTIFY_SOCKET", "WATCHDOG_PID", "WATCHDOG_USEC",
            "CLUSTERFLOCK_MAX_REQUESTS", "CLUSTERFLOCK_RAMP_MS", "CLUSTERFLOCK_STICKY", Http2Setting.VARIABLE, WarmupEnvironment.VARIABLE),
            TlsFiles.VARIABLES.stream()).toList();

    private final ClusterOptions options;
    private final Path command;
    private final Listeners listeners;
    private final int processGroup;
    private final Trampoline trampoline = Trampoline.find();
    private final Map<String, String> baseEnvironment;
    private final IpcServer ipc;
    private final Path notifySocket;
    private final Consumer<Input> sink;
    private final WorkerOutput output;
    /** Null when the workers get no AOT cache (--aot-cache off, or none possible). */
    private final AotCache aotCache;
    /** Each JVM worker's share of the memory budget; empty without a budget, or when the operator sizes the heap. */
    private final Optional<WorkerMemory> memory;
    private final SelfReadyingJars selfReadying = new SelfReadyingJars();
    /** Whom the workers run as, when not the master's user. */
    private final Optional<WorkerAccount> account;
    /** Unreaped workers whose jars carry a library that reports their readiness. */
    private final java.util.Set<Long> reportingReadiness = ConcurrentHashMap.newKeySet();
    /** Each unreaped worker's IPC token, forgotten once its exit is taken in. */
    private final Map<Long, String> tokens = new ConcurrentHashMap<>();

    WorkerLauncher(ClusterOptions options, Path command, Listeners listeners, long processGroup, IpcServer ipc,
                   Path notifySocket, Consumer<Input> sink, WorkerOutput output, AotCache aotCache,
                   Optional<WorkerMemory> memory) {
        this.aotCache = aotCache;
        this.memory = memory;
        this.ipc = ipc;
        this.output = output;
        this.notifySocket = notifySocket;
        this.options = options;
        this.command = command;
        this.listeners = listeners;
        this.processGroup = (int) processGroup;
        this.sink = sink;
        this.account = WorkerAccount.of(options.user(), options.group());
        this.baseEnvironment = baseEnvironment(options, account);
    }

    private static Map<String, String> baseEnvironment(ClusterOptions options, Optional<WorkerAccount> account) {
        Map<String, String> env = new LinkedHashMap<>(options.inheritEnvironment() ? System.getenv() : Map.of());
        MASTER_OWNED.forEach(env::remove);
        account.ifPresent(a -> { // the user's own, as login(1) sets them; --env still wins
            env.put("HOME", a.home().toString());
            env.put("USER", a.user());
            env.put("LOGNAME", a.user());
        });
        options.tlsCert().ifPresent(certificate -> env.putAll(
                new TlsFiles(certificate, options.tlsKey(), options.tlsPassword()).environment()));
        env.put(Http2Setting.VARIABLE, Http2Setting.encode(options.http2()));
        env.putAll(options.environment());
        return env;
    }

    @Override
    public long spawn(int id, int generation, int workers, OptionalLong requestLimit) {
        Map<String, String> env = new LinkedHashMap<>(baseEnvironment);
        env.put("CLUSTERFLOCK_WORKER_ID", Integer.toString(id));
        env.put("WORKER_ID", Integer.toString(id));
        env.put("CLUSTERFLOCK_WORKERS", Integer.toString(workers));
        env.put("CLUSTERFLOCK_GENERATION", Integer.toString(generation));
        env.put("CLUSTERFLOCK_TIMEOUT_MS", Long.toString(options.timeout().toMillis()));
        env.put("CLUSTERFLOCK_HEARTBEAT_MS", Long.toString(heartbeatMillis(options)));
        if (!options.workerTimeout().isZero()) {
            // sd_watchdog_enabled(3): a library that pings WATCHDOG=1 only under a watchdog does so (WATCHDOG_PID: the trampoline)
            env.put("WATCHDOG_USEC", Long.toString(options.workerTimeout().toNanos() / 1_000));
        }
        requestLimit.ifPresent(limit -> env.put("CLUSTERFLOCK_MAX_REQUESTS", Long.toString(limit)));
        if (options.sticky()) {
            env.put("CLUSTERFLOCK_STICKY", "1"); // the slot's own socket: a drain wakes its acceptor from the slot's address
        }
        if (!options.ramp().isZero()) {
            env.put("CLUSTERFLOCK_RAMP_MS", Long.toString(options.ramp().toMillis()));
        }
        if (!options.warmups().isEmpty()) {
            env.put(WarmupEnvironment.VARIABLE, WarmupEnvironment.encode(options.warmups()));
        }
        env.put("LISTEN_FDS", "1");
        env.put("LISTEN_FDNAMES", "http");
        String token = ipc.issueToken();
        env.put("CLUSTERFLOCK_IPC", ipc.path().toString());
        env.put("CLUSTERFLOCK_IPC_TOKEN", token);
        env.put("NOTIFY_SOCKET", notifySocket.toString());
        String title = Titles.worker(id, options.title());
        List<String> args = options.command().subList(1, options.command().size());
        boolean reportsReadiness = AotCache.isJava(command) && selfReadying.carried(command, args, env::get);
        List<String> jvmOptions = aotCache == null ? List.of() : aotCache.optionsFor("worker " + id, env::get);
        if (!jvmOptions.isEmpty()) {
            args = withJvmOptions(jvmOptions, args, env);
        }
        List<String> share = memory.map(m -> m.optionsFor(workers)).orElse(List.of()); // first: the launcher's own sizing
        if (!share.isEmpty()) {
            args = withJvmOptions(share, args, env);
        }
        try (WorkerOutput.Streams streams = output.open(id)) {
            Map<Integer, Integer> fds = new HashMap<>(streams.fds());
            int socketFd = listeners.fdFor(id);
            fds.put(0, socketFd);
            fds.put(3, socketFd);
            long pid = Spawner.spawn(new Spawner.Request(trampoline.executable(command, account),
                    trampoline.argv(title, command, args, account), env, fds, processGroup));
            streams.spawned(pid);
            ipc.bind(token, pid);
            if (aotCache != null) {
                aotCache.spawned(jvmOptions, pid);
            }
            if (reportsReadiness) {
                reportingReadiness.add(pid);
            }
            reapLater(pid, token);
            return pid;
        } catch (NativeException e) {
            if (aotCache != null) {
                aotCache.spawnFailed(jvmOptions);
            }
            ipc.revoke(token);
            throw new SpawnException(e.getMessage());
        }
    }

    @Override
    public boolean reportsReadiness(long pid) {
        return reportingReadiness.contains(pid);
    }

    /** Whether {@code pid} is a worker spawned here and not yet reaped (it has a reaper thread of its own). */
    boolean spawned(long pid) {
        return tokens.containsKey(pid);
    }

    @Override
    public void serving(java.util.Set<Integer> slots) {
        listeners.serving(slots);
    }

    @Override
    public boolean closeDoor() {
        return listeners.closeDoor();
    }

    @Override
    public int waiting() {
        return listeners.waiting();
    }

    /**
     * JVM options for one worker: right after {@code java} when the command is the java launcher,
     * else in {@code JDK_JAVA_OPTIONS}, which every java launcher the command starts reads.
     */
    private List<String> withJvmOptions(List<String> jvmOptions, List<String> args, Map<String, String> env) {
        if (AotCache.isJava(command)) {
            List<String> all = new ArrayList<>(jvmOptions);
            all.addAll(args);
            return all;
        }
        String own = String.join(" ", jvmOptions);
        env.merge("JDK_JAVA_OPTIONS", own, (before, added) -> before.isBlank() ? added : before + " " + added);
        return args;
    }

    /** Often enough that a missed beat or two never looks like a hang: a quarter of the worker timeout, at most 1 s. */
    static long heartbeatMillis(ClusterOptions options) {
        long timeout = options.workerTimeout().toMillis();
        return timeout == 0 ? 1_000 : Math.clamp(timeout / 4, 50, 1_000);
    }

    /**
     * A platform thread blocked in waitpid for this one pid: it reaps only our own children, so
     * processes the JVM spawns for other reasons (ProcessBuilder) are left to the JDK.
     */
    private void reapLater(long pid, String token) {
        tokens.put(pid, token);
        Thread.ofPlatform().daemon().name("clusterflock-reaper-" + pid).stackSize(256 * 1024).start(() ->
                sink.accept(new Input.Exited(pid, Processes.waitFor(pid))));
    }

    /** On the supervisor's thread, before it spawns anything in the worker's place. */
    @Override
    public void reaped(long pid, ExitStatus status) {
        if (aotCache != null) {
            aotCache.exited(pid, status); // a worker forked next finds the cache this one wrote
        }
        reportingReadiness.remove(pid);
        String token = tokens.remove(pid);
        if (token != null) {
            ipc.forget(token, pid);
        }
    }

    @Override
    public boolean signal(long pid, int signal) {
        return Processes.signal(pid, signal);
    }
}
