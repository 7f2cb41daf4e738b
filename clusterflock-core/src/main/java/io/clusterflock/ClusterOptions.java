package io.clusterflock;

import static io.clusterflock.internal.options.Options.AOT_CACHE;
import static io.clusterflock.internal.options.Options.AOT_CACHE_DIR;
import static io.clusterflock.internal.options.Options.BACKLOG;
import static io.clusterflock.internal.options.Options.COMMAND;
import static io.clusterflock.internal.options.Options.ENV;
import static io.clusterflock.internal.options.Options.HOST;
import static io.clusterflock.internal.options.Options.INHERIT_ENVIRONMENT;
import static io.clusterflock.internal.options.Options.LOGGER;
import static io.clusterflock.internal.options.Options.LOG_FORMAT;
import static io.clusterflock.internal.options.Options.MAX_AGE;
import static io.clusterflock.internal.options.Options.MAX_REQUESTS;
import static io.clusterflock.internal.options.Options.MAX_REQUESTS_JITTER;
import static io.clusterflock.internal.options.Options.MAX_RSS;
import static io.clusterflock.internal.options.Options.MAX_RSS_GRACE;
import static io.clusterflock.internal.options.Options.MEMORY;
import static io.clusterflock.internal.options.Options.METRICS;
import static io.clusterflock.internal.options.Options.NAME;
import static io.clusterflock.internal.options.Options.PORT;
import static io.clusterflock.internal.options.Options.PREFIX_OUTPUT;
import static io.clusterflock.internal.options.Options.READY_AFTER;
import static io.clusterflock.internal.options.Options.READY_TIMEOUT;
import static io.clusterflock.internal.options.Options.RAMP;
import static io.clusterflock.internal.options.Options.RELOAD_SURGE;
import static io.clusterflock.internal.options.Options.READY_WHEN;
import static io.clusterflock.internal.options.Options.RESPAWN_DELAY;
import static io.clusterflock.internal.options.Options.RESPAWN_DELAY_MAX;
import static io.clusterflock.internal.options.Options.SIGNALS;
import static io.clusterflock.internal.options.Options.SILENT;
import static io.clusterflock.internal.options.Options.STICKY;
import static io.clusterflock.internal.options.Options.SHUTDOWN_DELAY;
import static io.clusterflock.internal.options.Options.TIMEOUT;
import static io.clusterflock.internal.options.Options.USER;
import static io.clusterflock.internal.options.Options.TLS_CERT;
import static io.clusterflock.internal.options.Options.TLS_KEY;
import static io.clusterflock.internal.options.Options.TLS_PASSWORD;
import static io.clusterflock.internal.options.Options.HTTP2;
import static io.clusterflock.internal.options.Options.GROUP;
import static io.clusterflock.internal.options.Options.TITLE;
import static io.clusterflock.internal.options.Options.WARMUP;
import static io.clusterflock.internal.options.Options.WORKERS;
import static io.clusterflock.internal.options.Options.WORKER_TIMEOUT;

import io.clusterflock.internal.options.Option;
import io.clusterflock.internal.options.OptionValues;
import io.clusterflock.internal.options.PassedSocket;
import io.clusterflock.internal.options.Options;
import io.clusterflock.internal.options.Refusal;
import io.clusterflock.internal.options.Spelling;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * How a cluster runs. Built once, validated as a whole, frozen; {@link #builder()} lists the
 * defaults. Every refused value raises an {@link OptionException} that names the option.
 */
public final class ClusterOptions {
    public static final int MAX_WORKERS = 1024;

    /** Every option of {@link Options}, each with its value or its default. */
    private final OptionValues values;
    private final Map<String, String> environment;
    private final List<Consumer<ClusterEvent>> listeners;
    private final MessageHandler messageHandler;

    private ClusterOptions(OptionValues values, Builder b) {
        this.values = values;
        Map<String, String> environment = new LinkedHashMap<>();
        values.all(ENV).forEach(variable -> environment.put(variable.getKey(), variable.getValue())); // the last one set wins
        this.environment = Collections.unmodifiableMap(environment);
        this.listeners = List.copyOf(b.listeners);
        this.messageHandler = b.messageHandler;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The worker command: executable and arguments. */
    public List<String> command() { return values.get(COMMAND); }
    /** How many workers to keep running. */
    public int workers() { return values.get(WORKERS); }
    /** The memory the workers share; each JVM worker is sized for its part of it (see {@link Builder#memory}). */
    public MemoryBudget memory() { return values.get(MEMORY); }
    /** The address to listen on; null means all interfaces. */
    public String host() { return values.find(HOST).orElse(null); }
    /** The TCP port; 0 lets the kernel pick one. */
    public int port() { return values.get(PORT); }
    /** The listen backlog: connections the kernel queues while every worker is busy. */
    public int backlog() { return values.get(BACKLOG); }
    /** Whether every connection of one client address goes to the same slot (sticky sessions). */
    public boolean sticky() { return values.get(STICKY); }
    /** Where the master serves its Prometheus metrics ({@code GET /metrics}); empty when it does not. */
    public Optional<InetSocketAddress> metrics() { return values.find(METRICS); }
    /** The certificate chain (PEM) or keystore that library-mode workers serve HTTPS with; empty: clear text. */
    public Optional<Path> tlsCert() { return values.find(TLS_CERT); }
    /** The PEM private key beside a PEM {@link #tlsCert}. */
    public Optional<Path> tlsKey() { return values.find(TLS_KEY); }
    /** The password of a keystore {@link #tlsCert}; empty for none. */
    public String tlsPassword() { return values.get(TLS_PASSWORD); }
    /** Whether library-mode workers speak HTTP/2 too (h2 over TLS by ALPN, h2c in clear text). */
    public boolean http2() { return values.get(HTTP2); }
    /** The user the workers run as (a name or uid); empty: the master's. */
    public Optional<String> user() { return values.find(USER); }
    /** The group the workers run as (a name or gid); empty: the user's primary group. */
    public Optional<String> group() { return values.find(GROUP); }
    /** How long a stopping worker may drain before it is killed. */
    public Duration timeout() { return values.get(TIMEOUT); }
    /** How long a graceful shutdown serves on as usual before workers drain; zero: none. */
    public Duration shutdownDelay() { return values.get(SHUTDOWN_DELAY); }
    public ReadyWhen readyWhen() { return values.get(READY_WHEN); }
    /** How long a new worker may take to become ready before it counts as a failed start. */
    public Duration readyTimeout() { return values.get(READY_TIMEOUT); }
    /** Under {@link ReadyWhen#STARTED}: how long a worker that says nothing must stay up to count as ready. */
    public Duration readyAfter() { return values.get(READY_AFTER); }
    /** How many new workers a reload starts at a time. */
    public int reloadSurge() { return values.get(RELOAD_SURGE); }
    /** How long a new library-mode worker takes to reach a full share of connections; zero: at once. */
    public Duration ramp() { return values.get(RAMP); }
    /** The first delay before re-forking a slot whose worker died young. */
    public Duration respawnDelay() { return values.get(RESPAWN_DELAY); }
    /** The cap the respawn delay doubles up to; zero: no doubling, every respawn waits {@link #respawnDelay}. */
    public Duration respawnDelayMax() { return values.get(RESPAWN_DELAY_MAX); }
    /** Variables set for workers, over the inherited ones. */
    public Map<String, String> environment() { return environment; }
    /** Whether workers inherit the master's environment. */
    public boolean inheritEnvironment() { return values.get(INHERIT_ENVIRONMENT); }
    /** The label in process titles: {@code clusterflock worker 0 [title]}. */
    public String title() { return values.get(TITLE); }
    /** Whether the master takes over TERM, INT, HUP, USR2, TTIN and TTOU. */
    public boolean signals() { return values.get(SIGNALS); }
    /** The cluster's name: its control socket is found by it ({@code clusterflock status --name NAME}). */
    public String name() { return values.get(NAME); }
    /** Whether each line a worker writes is tagged with its id in the master's output. */
    public boolean prefixOutput() { return values.get(PREFIX_OUTPUT); }
    /** Whether workers' stdout and stderr are kept out of the master's output (cluster-master's silent). */
    public boolean silent() { return values.get(SILENT); }
    /** How the master writes its one line per event: text, or one JSON object per line. */
    public LogFormat logFormat() { return values.get(LOG_FORMAT); }
    /** Where the master writes its one line per event; empty when the event log is off. */
    public Optional<System.Logger> logger() { return values.find(LOGGER); }
    /** A worker that has heartbeated and then stays silent this long is hung: dumped, killed, re-forked. Zero: off. */
    public Duration workerTimeout() { return values.get(WORKER_TIMEOUT); }
    /** A worker that has served this many requests is replaced (0: never). */
    public long maxRequests() { return values.get(MAX_REQUESTS); }
    /** Up to this many requests are added at random to each worker's {@link #maxRequests}, so they do not all go at once. */
    public long maxRequestsJitter() { return values.get(MAX_REQUESTS_JITTER); }
    /** A worker whose resident memory stays above this many bytes for {@link #maxRssGrace} is replaced (0: never). */
    public long maxRss() { return values.get(MAX_RSS); }
    /** How long a worker may stay above {@link #maxRss} before it is replaced: a spike is not a leak. */
    public Duration maxRssGrace() { return values.get(MAX_RSS_GRACE); }
    /** A worker older than this is replaced (zero: never). */
    public Duration maxAge() { return values.get(MAX_AGE); }
    /** The requests each new library-mode worker sends itself before it accepts its first connection. */
    public List<Warmup> warmups() { return values.all(WARMUP); }
    /**
     * Where JVM workers' ahead-of-time cache comes from: one per build in {@link #aotCacheDir}
     * (the default), a file (absolute), or none (see {@link Builder#aotCache}).
     */
    public AotCacheMode aotCache() { return values.get(AOT_CACHE); }
    /** The directory of the automatic AOT caches, one file per build of the workers. */
    public Path aotCacheDir() { return values.get(AOT_CACHE_DIR); }
    /** What answers workers' messages; by default they are only logged. */
    public MessageHandler messageHandler() { return messageHandler; }
    /** The listeners added with {@link Builder#onEvent}. */
    public List<Consumer<ClusterEvent>> listeners() { return listeners; }

    /** Collects options; {@link #build()} validates them all. Each method says its default. */
    public static final class Builder {
        /** What is set so far, and how the operator wrote it (code, a system property, an environment variable). */
        private final OptionValues values = new OptionValues();
        private final List<Consumer<ClusterEvent>> listeners = new ArrayList<>();
        private MessageHandler messageHandler = message -> { };

        private Builder() {}

        /** The worker command. Default: none (required). */
        public Builder command(List<String> command) {
            return set(COMMAND, List.copyOf(command));
        }

        public Builder command(String... command) {
            return command(List.of(command));
        }

        /**
         * Runs this very JVM's command line as each worker: the java binary, JVM options, class
         * path or module path or {@code -jar}, main class and arguments, as this process was
         * started (library mode). Captured before the master renames itself.
         */
        public Builder commandOfThisJvm() {
            return command(io.clusterflock.internal.os.ProcessTitle.thisJvmCommand());
        }

        /**
         * Default: the available processors (container-aware), but no more than {@link #memory}
         * holds at 128 MiB a worker, and at least one.
         */
        public Builder workers(int workers) {
            return set(WORKERS, workers);
        }

        /**
         * Default: 90% of the machine's memory, that is of its cgroup's memory limit (a container's,
         * a systemd unit's {@code MemoryMax=}), else of its physical memory. The memory the workers
         * share: a JVM worker forked while the cluster keeps N workers gets
         * {@code -XX:MaxRAM=budget/N} after the launcher (in {@code JDK_JAVA_OPTIONS} when the
         * command is not the java launcher), so it sizes its heap as a JVM alone in a container of
         * that size would; workers already running keep their share when the cluster is resized.
         * A worker whose JVM options (or {@code JAVA_TOOL_OPTIONS}, {@code JDK_JAVA_OPTIONS},
         * {@code _JAVA_OPTIONS}) size the heap themselves ({@code -Xmx}, {@code MaxRAM},
         * {@code MaxRAMPercentage}…) gets nothing; the master says so, and warns when their
         * {@code -Xmx} times the workers exceeds the budget. {@link MemoryBudget.Off}: no budget.
         */
        public Builder memory(MemoryBudget budget) {
            return set(MEMORY, budget);
        }

        /**
         * Runs the workers as {@code user} (a name or a uid), with its primary group unless
         * {@link #group} says another, and no supplementary groups: the master, as root, binds a
         * privileged port and keeps its control socket, the application runs unprivileged. Needs a
         * master running as root and {@code setpriv} (util-linux). Default: the master's user.
         */
        public Builder user(String user) {
            return user == null || user.isBlank() ? unset(USER) : set(USER, user.strip());
        }

        /**
         * Library-mode workers serve HTTPS with the PEM certificate chain {@code certificate} (the
         * server's certificate first) and its PEM private key {@code key} (PKCS#8). The files are
         * checked before anything starts; each new worker reads them afresh, so a renewed
         * certificate goes live with a reload.
         */
        public Builder tls(Path certificate, Path key) {
            return tlsCert(certificate).tlsKey(key);
        }

        /** Library-mode workers serve HTTPS with the one private key entry of a PKCS#12 or JKS keystore. */
        public Builder tlsKeystore(Path keystore, String password) {
            return tlsCert(keystore).tlsPassword(password);
        }

        /** See {@link #tls}: the certificate chain (PEM) or a keystore; {@code null} for clear text. */
        public Builder tlsCert(Path certificate) {
            return certificate == null ? unset(TLS_CERT) : set(TLS_CERT, certificate);
        }

        /** See {@link #tls}: the PEM private key of {@link #tlsCert}'s certificate. */
        public Builder tlsKey(Path key) {
            return key == null ? unset(TLS_KEY) : set(TLS_KEY, key);
        }

        /** The password of a keystore given to {@link #tlsCert}. Default: none (also {@code $CLUSTERFLOCK_TLS_PASSWORD}). */
        public Builder tlsPassword(String password) {
            return set(TLS_PASSWORD, Objects.requireNonNull(password, "tlsPassword"));
        }

        /** Whether library-mode workers speak HTTP/2 beside HTTP/1.1 (h2 by ALPN over TLS, h2c in clear text). Default: true. */
        public Builder http2(boolean on) {
            return set(HTTP2, on);
        }

        /** With {@link #user}: the workers' group (a name or a gid). Default: the user's primary group. */
        public Builder group(String group) {
            return group == null || group.isBlank() ? unset(GROUP) : set(GROUP, group.strip());
        }

        /** Default: all interfaces (IPv6 and IPv4 where the kernel has IPv6). */
        public Builder host(String host) {
            return host == null || host.isBlank() || host.equals("*") ? unset(HOST) : set(HOST, host.strip());
        }

        /** Default: {@code $PORT}, else 5000. */
        public Builder port(int port) {
            return set(PORT, port);
        }

        /** Default: 1024. */
        public Builder backlog(int backlog) {
            return set(BACKLOG, backlog);
        }

        /**
         * Sticky sessions: every connection from one client address reaches the same slot, across
         * reloads and respawns. The master listens on a socket per slot, in one {@code SO_REUSEPORT}
         * group, and the kernel picks the socket by the client's address; the master still never
         * accepts. Linux only. Default: false (one socket shared by every worker).
         */
        public Builder sticky(boolean sticky) {
            return set(STICKY, sticky);
        }

        /**
         * Serves the master's metrics in the Prometheus text format at {@code http://ADDRESS/metrics}:
         * workers by state, exits by slot and cause, reloads, requests served and resident memory
         * by slot, and how long workers take to be ready and reloads to finish (docs/OPERATIONS.md,
         * Metrics). The endpoint is the module {@code io.clusterflock:clusterflock-metrics}, which
         * must be on the class path or module path. An address with the wildcard IP
         * ({@code new InetSocketAddress(9100)}) is every interface; port 0 lets the kernel pick
         * one (the log says which). Default: {@code null}, off.
         */
        public Builder metrics(InetSocketAddress address) {
            return address == null ? unset(METRICS) : set(METRICS, address);
        }

        /** {@link #metrics(InetSocketAddress)} written as an operator would: {@code "127.0.0.1:9100"}, {@code ":9100"}, {@code "[::1]:9100"}. */
        public Builder metrics(String address) {
            return metrics(METRICS.parse(address));
        }

        /** Graceful-stop time before a worker is killed. Default: 10 s. */
        public Builder timeout(Duration timeout) {
            return set(TIMEOUT, Objects.requireNonNull(timeout, "timeout"));
        }

        /**
         * On a graceful shutdown (SIGTERM), workers serve on as usual this long before they drain:
         * the time a load balancer takes to stop sending (Kubernetes removes a terminating pod from
         * its endpoints while the pod already has SIGTERM). A second SIGTERM cuts it short.
         * Default: 0, none; at most 10 minutes.
         */
        public Builder shutdownDelay(Duration delay) {
            return set(SHUTDOWN_DELAY, Objects.requireNonNull(delay, "shutdownDelay"));
        }

        /** Default: {@link ReadyWhen#STARTED}. */
        public Builder readyWhen(ReadyWhen readyWhen) {
            return set(READY_WHEN, Objects.requireNonNull(readyWhen, "readyWhen"));
        }

        /** Default: 60 s. */
        public Builder readyTimeout(Duration readyTimeout) {
            return set(READY_TIMEOUT, Objects.requireNonNull(readyTimeout, "readyTimeout"));
        }

        /** Default: 1 s. */
        public Builder readyAfter(Duration readyAfter) {
            return set(READY_AFTER, Objects.requireNonNull(readyAfter, "readyAfter"));
        }

        /** Default: half the available processors, at least 1. */
        public Builder reloadSurge(int workers) {
            return set(RELOAD_SURGE, workers);
        }

        /**
         * A new worker's slow start: it accepts only a few connections at first, twice as many at
         * each sixth of this duration, and any number after it, so that warm workers take the
         * rest. Library mode. Default: zero, off.
         */
        public Builder ramp(Duration ramp) {
            return set(RAMP, Objects.requireNonNull(ramp, "ramp"));
        }

        /** Default: 100 ms, doubling per quick death up to {@link #respawnDelayMax}. */
        public Builder respawnDelay(Duration respawnDelay) {
            return set(RESPAWN_DELAY, Objects.requireNonNull(respawnDelay, "respawnDelay"));
        }

        /** Default: 30 s. Zero: no doubling, every respawn waits {@link #respawnDelay}. */
        public Builder respawnDelayMax(Duration respawnDelayMax) {
            return set(RESPAWN_DELAY_MAX, Objects.requireNonNull(respawnDelayMax, "respawnDelayMax"));
        }

        /**
         * Adds a request each new worker sends itself, in-process, before it accepts its first
         * connection (library mode; see {@link Warmup}). Default: none; the worker still warms
         * the server's own request path, without calling the application's handler.
         */
        public Builder warmup(Warmup warmup) {
            return set(WARMUP, Objects.requireNonNull(warmup, "warmup"));
        }

        /** Adds a warm-up written as an operator would: {@code "GET /items; count 500"}. */
        public Builder warmup(String warmup) {
            try {
                return warmup(Warmup.parse(warmup));
            } catch (IllegalArgumentException e) {
                throw new OptionException("warmup", warmup, "a warm-up such as 'GET /items; count 500' (" + e.getMessage() + ")");
            }
        }

        /** Sets a variable for workers. */
        public Builder env(String name, String value) {
            return set(ENV, Map.entry(name, value));
        }

        /** Default: true. */
        public Builder inheritEnvironment(boolean inherit) {
            return set(INHERIT_ENVIRONMENT, inherit);
        }

        /** Default: the command's file name. */
        public Builder title(String title) {
            return title == null ? unset(TITLE) : set(TITLE, title);
        }

        /** Default: true. */
        public Builder signals(boolean signals) {
            return set(SIGNALS, signals);
        }

        /** Default: "default". Several clusters side by side need different names. */
        public Builder name(String name) {
            return set(NAME, Objects.requireNonNull(name, "name"));
        }

        /** Default: false. */
        public Builder prefixOutput(boolean prefix) {
            return set(PREFIX_OUTPUT, prefix);
        }

        /** Default: false. */
        public Builder silent(boolean silent) {
            return set(SILENT, silent);
        }

        /** How the master logs its events. Default: {@link LogFormat#TEXT}. */
        public Builder logFormat(LogFormat format) {
            return set(LOG_FORMAT, Objects.requireNonNull(format, "logFormat"));
        }

        /**
         * Where the master writes its one line per event. Default:
         * {@code System.getLogger("io.clusterflock")}; {@code null} turns the event log off.
         */
        public Builder logger(System.Logger logger) {
            return set(LOGGER, logger);
        }

        /** Default: zero, off. */
        public Builder workerTimeout(Duration timeout) {
            return set(WORKER_TIMEOUT, Objects.requireNonNull(timeout, "workerTimeout"));
        }

        /** Default: 0, never. */
        public Builder maxRequests(long requests) {
            return set(MAX_REQUESTS, requests);
        }

        /** Default: a tenth of {@link #maxRequests}. */
        public Builder maxRequestsJitter(long jitter) {
            return set(MAX_REQUESTS_JITTER, jitter);
        }

        /** Default: 0, never. In bytes. */
        public Builder maxRss(long bytes) {
            return set(MAX_RSS, bytes);
        }

        /** Default: 2 s. */
        public Builder maxRssGrace(Duration grace) {
            return set(MAX_RSS_GRACE, Objects.requireNonNull(grace, "maxRssGrace"));
        }

        /** Default: zero, never. */
        public Builder maxAge(Duration age) {
            return set(MAX_AGE, Objects.requireNonNull(age, "maxAge"));
        }

        /**
         * Default: {@link AotCacheMode.Automatic}. The JDK 25 ahead-of-time cache of workers that
         * are JVMs: a worker started with {@code -XX:AOTCache=FILE} maps the classes, linking and
         * method profiles of a training run instead of loading and profiling them again, and starts
         * and warms up sooner. While the cache is missing, or was trained for another build (JDK,
         * jars, JVM options), one worker is the training run ({@code -XX:AOTMode=record}): its JVM
         * writes what it recorded as it exits (a reload, a recycle or the shutdown), and the master
         * assembles the cache from that and moves it into place for the workers forked after.
         *
         * <p>{@link AotCacheMode.Automatic} keeps one cache per build in {@link #aotCacheDir},
         * named by the build, when the command is the java launcher on JDK 25 or later with a
         * class path of jar files; otherwise it quietly does nothing. {@link AotCacheMode.InFile}
         * names the file (the build it was trained for is kept beside it, in {@code FILE.key});
         * the option then goes after {@code java} when the command starts with it, else into
         * {@code JDK_JAVA_OPTIONS}. {@link AotCacheMode.Off}: no cache.
         */
        public Builder aotCache(AotCacheMode mode) {
            if (mode instanceof AotCacheMode.InFile(Path file)) {
                return set(AOT_CACHE, AotCacheMode.file(file.toAbsolutePath().normalize()));
            }
            return mode == null ? unset(AOT_CACHE) : set(AOT_CACHE, mode);
        }

        /** {@link #aotCache(AotCacheMode)} with this file; {@code null}: back to the default. */
        public Builder aotCache(Path file) {
            return aotCache(file == null ? null : AotCacheMode.file(file));
        }

        /**
         * Default: {@code $CACHE_DIRECTORY/aot} under systemd, else
         * {@code $XDG_CACHE_HOME/clusterflock/aot}, else {@code ~/.cache/clusterflock/aot}.
         * Created when missing; the automatic cache is skipped when it cannot be written.
         */
        public Builder aotCacheDir(Path dir) {
            return dir == null ? unset(AOT_CACHE_DIR) : set(AOT_CACHE_DIR, dir.toAbsolutePath().normalize());
        }

        /** Adds a listener for the cluster's events; called on the supervisor thread. */
        public Builder onEvent(Consumer<ClusterEvent> listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Handles messages from workers ({@code Worker.send}); it may {@link WorkerMessage#reply}
         * to the sender or {@link WorkerMessage#broadcast} to all. Called on the supervisor thread.
         */
        public Builder onMessage(MessageHandler handler) {
            this.messageHandler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * Applies {@code -Dclusterflock.<option>=<value>} system properties over what is set so far
         * ({@code workers}, {@code port}, {@code timeout}, …: every option that has a flag, except
         * {@code env}), so an operator can tune a library-mode program without a rebuild.
         *
         * @throws OptionException naming the property when a value or a name is wrong
         */
        public Builder systemProperties() {
            SystemPropertyOptions.apply(this, System.getProperties());
            return this;
        }

        /**
         * Validates every option and freezes them. A refusal names the option as it was written:
         * {@code -Dclusterflock.port} for a property, {@code $PORT} for the environment variable,
         * else as this builder's method.
         */
        public ClusterOptions build() {
            return build(System::getenv);
        }

        /** {@link #build()} with {@code environment} for the environment variables. */
        ClusterOptions build(Function<String, String> environment) {
            for (Option<?> option : Options.ALL) {
                option.environment().filter(variable -> !values.isSet(option))
                        .map(environment).filter(text -> !text.isBlank())
                        .ifPresent(text -> setText(option, text, Spelling.ENVIRONMENT));
            }
            OptionValues resolved = values.resolved();
            Optional<Refusal> refusal = Options.refusal(resolved)
                    .or(() -> PassedSocket.refusal(resolved, ProcessHandle.current().pid(), environment));
            if (refusal.isPresent()) {
                Option<?> blamed = Options.named(refusal.get().option()).orElseThrow();
                throw new OptionException(refusal.get(), resolved.spelling(blamed));
            }
            return new ClusterOptions(resolved, this);
        }

        /** Sets {@code option} from {@code text} as the operator wrote it; a refusal names it so. */
        <T> void setText(Option<T> option, String text, Spelling spelling) {
            try {
                option.set(this, option.parse(text));
            } catch (OptionException e) {
                throw e.spelledAs(spelling);
            }
            values.spelledAs(option, spelling);
        }

        private <T> Builder set(Option<T> option, T value) {
            values.set(option, value);
            return this;
        }

        /** Back to the option's default. */
        private Builder unset(Option<?> option) {
            values.clear(option);
            return this;
        }
    }
}
