package io.clusterflock;

import io.clusterflock.internal.util.Durations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How a cluster runs. Built once, validated as a whole, frozen; {@link #builder()} lists the
 * defaults. Every refused value raises an {@link OptionException} that names the option.
 */
public final class ClusterOptions {
    public static final int MAX_WORKERS = 1024;

    private final List<String> command;
    private final int workers;
    private final String host;
    private final int port;
    private final int backlog;
    private final Duration timeout;
    private final ReadyWhen readyWhen;
    private final Duration readyTimeout;
    private final Duration respawnDelay;
    private final Duration respawnDelayMax;
    private final Map<String, String> environment;
    private final boolean inheritEnvironment;
    private final String title;
    private final boolean signals;
    private final String name;
    private final boolean prefixOutput;
    private final boolean silent;
    private final Duration workerTimeout;
    private final long maxRequests;
    private final long maxRequestsJitter;
    private final long maxRss;
    private final Duration maxRssGrace;
    private final Duration maxAge;
    private final Path aotCache;
    private final List<Consumer<ClusterEvent>> listeners;
    private final MessageHandler messageHandler;
    private final LogFormat logFormat;
    private final System.Logger logger;

    private ClusterOptions(Builder b) {
        this.command = List.copyOf(b.command);
        this.workers = b.workers;
        this.host = b.host;
        this.port = b.port;
        this.backlog = b.backlog;
        this.timeout = b.timeout;
        this.readyWhen = b.readyWhen;
        this.readyTimeout = b.readyTimeout;
        this.respawnDelay = b.respawnDelay;
        this.respawnDelayMax = b.respawnDelayMax;
        this.environment = Map.copyOf(b.environment);
        this.inheritEnvironment = b.inheritEnvironment;
        this.title = b.title != null ? b.title : defaultTitle(command);
        this.signals = b.signals;
        this.name = b.name;
        this.prefixOutput = b.prefixOutput;
        this.silent = b.silent;
        this.workerTimeout = b.workerTimeout;
        this.maxRequests = b.maxRequests;
        this.maxRequestsJitter = b.maxRequestsJitter < 0 ? b.maxRequests / 10 : b.maxRequestsJitter;
        this.maxRss = b.maxRss;
        this.maxRssGrace = b.maxRssGrace;
        this.maxAge = b.maxAge;
        this.aotCache = b.aotCache;
        this.listeners = List.copyOf(b.listeners);
        this.messageHandler = b.messageHandler;
        this.logFormat = b.logFormat;
        this.logger = b.logger;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The worker command: executable and arguments. */
    public List<String> command() { return command; }
    /** How many workers to keep running. */
    public int workers() { return workers; }
    /** The address to listen on; null means all interfaces. */
    public String host() { return host; }
    /** The TCP port; 0 lets the kernel pick one. */
    public int port() { return port; }
    /** The listen backlog: connections the kernel queues while every worker is busy. */
    public int backlog() { return backlog; }
    /** How long a stopping worker may drain before it is killed. */
    public Duration timeout() { return timeout; }
    public ReadyWhen readyWhen() { return readyWhen; }
    /** How long a new worker may take to become ready before it counts as a failed start. */
    public Duration readyTimeout() { return readyTimeout; }
    /** The first delay before re-forking a slot whose worker died young. */
    public Duration respawnDelay() { return respawnDelay; }
    /** The cap the respawn delay doubles up to. */
    public Duration respawnDelayMax() { return respawnDelayMax; }
    /** Variables set for workers, over the inherited ones. */
    public Map<String, String> environment() { return environment; }
    /** Whether workers inherit the master's environment. */
    public boolean inheritEnvironment() { return inheritEnvironment; }
    /** The label in process titles: {@code clusterflock worker 0 [title]}. */
    public String title() { return title; }
    /** Whether the master takes over TERM, INT, HUP, USR2, TTIN and TTOU. */
    public boolean signals() { return signals; }
    /** The cluster's name: its control socket is found by it ({@code clusterflock status --name NAME}). */
    public String name() { return name; }
    /** Whether each line a worker writes is tagged with its id in the master's output. */
    public boolean prefixOutput() { return prefixOutput; }
    /** Whether workers' stdout and stderr are kept out of the master's output (cluster-master's silent). */
    public boolean silent() { return silent; }
    /** A worker that has heartbeated and then stays silent this long is hung: dumped, killed, re-forked. Zero: off. */
    public Duration workerTimeout() { return workerTimeout; }
    /** A worker that has served this many requests is replaced (0: never). */
    public long maxRequests() { return maxRequests; }
    /** Up to this many requests are added at random to each worker's {@link #maxRequests}, so they do not all go at once. */
    public long maxRequestsJitter() { return maxRequestsJitter; }
    /** A worker whose resident memory stays above this many bytes for {@link #maxRssGrace} is replaced (0: never). */
    public long maxRss() { return maxRss; }
    /** How long a worker may stay above {@link #maxRss} before it is replaced: a spike is not a leak. */
    public Duration maxRssGrace() { return maxRssGrace; }
    /** A worker older than this is replaced (zero: never). */
    public Duration maxAge() { return maxAge; }
    /**
     * The JDK's ahead-of-time cache for JVM workers (absolute), or null: workers map it and start
     * sooner; while it is missing, one worker at a time records it (see {@link Builder#aotCache}).
     */
    public Path aotCache() { return aotCache; }
    /** What answers workers' messages; by default they are only logged. */
    public MessageHandler messageHandler() { return messageHandler; }
    /** How the master logs its events. */
    public LogFormat logFormat() { return logFormat; }
    /** Where the master writes one line per event; empty when the event log is off. */
    public java.util.Optional<System.Logger> logger() { return java.util.Optional.ofNullable(logger); }
    /** The listeners added with {@link Builder#onEvent}. */
    public List<Consumer<ClusterEvent>> listeners() { return listeners; }

    private static String defaultTitle(List<String> command) {
        if (command.isEmpty()) {
            return "";
        }
        String first = command.getFirst();
        return first.substring(first.lastIndexOf('/') + 1);
    }

    /** Collects options; {@link #build()} validates them all. */
    public static final class Builder {
        private List<String> command = List.of();
        private int workers = Runtime.getRuntime().availableProcessors(); // container-aware
        private String host;
        private Integer port;
        private int backlog = 1024;
        private Duration timeout = Duration.ofSeconds(10);
        private ReadyWhen readyWhen = ReadyWhen.STARTED;
        private Duration readyTimeout = Duration.ofSeconds(60);
        private Duration respawnDelay = Duration.ofMillis(100);
        private Duration respawnDelayMax = Duration.ofSeconds(30);
        private final Map<String, String> environment = new LinkedHashMap<>();
        private boolean inheritEnvironment = true;
        private String title;
        private boolean signals = true;
        private String name = "default";
        private boolean prefixOutput;
        private boolean silent;
        private Duration workerTimeout = Duration.ZERO;
        private long maxRequests;
        private long maxRequestsJitter = -1;
        private long maxRss;
        private Duration maxRssGrace = Duration.ofSeconds(2);
        private Duration maxAge = Duration.ZERO;
        private Path aotCache;
        private final List<Consumer<ClusterEvent>> listeners = new ArrayList<>();
        private MessageHandler messageHandler = message -> { };
        private LogFormat logFormat = LogFormat.TEXT;
        private System.Logger logger = System.getLogger("io.clusterflock");

        private Builder() {}

        /** Default: TEXT. */
        public Builder logFormat(LogFormat format) {
            this.logFormat = Objects.requireNonNull(format, "logFormat");
            return this;
        }

        /** Default: {@code System.getLogger("io.clusterflock")}; null turns the event log off. */
        public Builder logger(System.Logger logger) {
            this.logger = logger;
            return this;
        }

        /** The worker command. Default: none (required). */
        public Builder command(List<String> command) {
            this.command = List.copyOf(command);
            return this;
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

        /** Default: the available processors (container-aware). */
        public Builder workers(int workers) {
            this.workers = workers;
            return this;
        }

        /** Default: all interfaces (IPv6 and IPv4 where the kernel has IPv6). */
        public Builder host(String host) {
            this.host = host == null || host.isBlank() || host.equals("*") ? null : host.strip();
            return this;
        }

        /** Default: {@code $PORT}, else 5000. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Default: 1024. */
        public Builder backlog(int backlog) {
            this.backlog = backlog;
            return this;
        }

        /** Graceful-stop time before a worker is killed. Default: 10 s. */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** Default: {@link ReadyWhen#STARTED}. */
        public Builder readyWhen(ReadyWhen readyWhen) {
            this.readyWhen = Objects.requireNonNull(readyWhen, "readyWhen");
            return this;
        }

        /** Default: 60 s. */
        public Builder readyTimeout(Duration readyTimeout) {
            this.readyTimeout = Objects.requireNonNull(readyTimeout, "readyTimeout");
            return this;
        }

        /** Default: 100 ms, doubling per quick death. */
        public Builder respawnDelay(Duration respawnDelay) {
            this.respawnDelay = Objects.requireNonNull(respawnDelay, "respawnDelay");
            return this;
        }

        /** Default: 30 s. */
        public Builder respawnDelayMax(Duration respawnDelayMax) {
            this.respawnDelayMax = Objects.requireNonNull(respawnDelayMax, "respawnDelayMax");
            return this;
        }

        /** Sets a variable for workers. */
        public Builder env(String name, String value) {
            environment.put(name, value);
            return this;
        }

        /** Default: true. */
        public Builder inheritEnvironment(boolean inherit) {
            this.inheritEnvironment = inherit;
            return this;
        }

        /** Default: the command's file name. */
        public Builder title(String title) {
            this.title = title;
            return this;
        }

        /** Default: true. */
        public Builder signals(boolean signals) {
            this.signals = signals;
            return this;
        }

        /** Default: "default". Several clusters side by side need different names. */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** Default: false. */
        public Builder prefixOutput(boolean prefix) {
            this.prefixOutput = prefix;
            return this;
        }

        /** Default: false. */
        public Builder silent(boolean silent) {
            this.silent = silent;
            return this;
        }

        /** Default: zero, off. */
        public Builder workerTimeout(Duration timeout) {
            this.workerTimeout = Objects.requireNonNull(timeout, "workerTimeout");
            return this;
        }

        /** Default: 0, never. */
        public Builder maxRequests(long requests) {
            this.maxRequests = requests;
            return this;
        }

        /** Default: a tenth of {@link #maxRequests}. */
        public Builder maxRequestsJitter(long jitter) {
            this.maxRequestsJitter = jitter;
            return this;
        }

        /** Default: 0, never. In bytes. */
        public Builder maxRss(long bytes) {
            this.maxRss = bytes;
            return this;
        }

        /** Default: 2 s. */
        public Builder maxRssGrace(Duration grace) {
            this.maxRssGrace = Objects.requireNonNull(grace, "maxRssGrace");
            return this;
        }

        /** Default: zero, never. */
        public Builder maxAge(Duration age) {
            this.maxAge = Objects.requireNonNull(age, "maxAge");
            return this;
        }

        /**
         * Default: none. An ahead-of-time cache file (JDK 25) for workers that are JVMs: each worker
         * is started with {@code -XX:AOTCache=FILE}, so it maps the classes, linking and method
         * profiles of a training run instead of loading and profiling them again, and starts and
         * warms up sooner. While the file is missing, one worker at a time is the training run
         * ({@code -XX:AOTCacheOutput}): its JVM writes the cache as it exits (a reload, a recycle
         * or the shutdown), and the master moves it into place for the workers forked after. The
         * option goes after {@code java} when the command starts with it, else into
         * {@code JDK_JAVA_OPTIONS}. Delete the file to train again after changing the JDK or the
         * class path: a JVM ignores a cache that does not match it.
         */
        public Builder aotCache(Path file) {
            this.aotCache = file == null ? null : file.toAbsolutePath().normalize();
            return this;
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
         * (workers, port, host, backlog, timeout, readyWhen, readyTimeout, respawnDelay,
         * respawnDelayMax, title, …, aotCache), so an operator can tune a library-mode program without a rebuild.
         *
         * @throws OptionException naming the property when a value or a name is wrong
         */
        public Builder systemProperties() {
            SystemPropertyOptions.apply(this, System.getProperties());
            return this;
        }

        /** Validates every option and freezes them. */
        public ClusterOptions build() {
            if (port == null) {
                port = portFromEnvironment();
            }
            validate();
            return new ClusterOptions(this);
        }

        private static int portFromEnvironment() {
            String value = System.getenv("PORT");
            if (value == null || value.isBlank()) {
                return 5000;
            }
            try {
                return Integer.parseInt(value.strip());
            } catch (NumberFormatException e) {
                throw new OptionException("PORT", value, "a port number from 0 to 65535");
            }
        }

        private void validate() {
            if (command.isEmpty() || command.getFirst().isBlank()) {
                throw new OptionException("command", String.join(" ", command), "a program to run as each worker");
            }
            check(workers >= 1 && workers <= MAX_WORKERS, "workers", workers, "a whole number from 1 to " + MAX_WORKERS);
            check(port >= 0 && port <= 65535, "port", port, "a port number from 0 to 65535");
            check(backlog >= 1 && backlog <= 65535, "backlog", backlog, "a whole number from 1 to 65535");
            check(!timeout.isNegative(), "timeout", Durations.format(timeout), "a duration of 0 or more, e.g. 10s");
            check(readyTimeout.isPositive(), "readyTimeout", Durations.format(readyTimeout), "a duration above 0, e.g. 60s");
            check(respawnDelay.isPositive(), "respawnDelay", Durations.format(respawnDelay), "a duration above 0, e.g. 100ms");
            check(respawnDelayMax.compareTo(respawnDelay) >= 0, "respawnDelayMax", Durations.format(respawnDelayMax),
                    "a duration no shorter than respawnDelay (" + Durations.format(respawnDelay) + ")");
            check(name.matches("[A-Za-z0-9._-]{1,64}"), "name", name, "1 to 64 letters, digits, '.', '_' or '-'");
            check(!(prefixOutput && silent), "prefixOutput", "with silent", "one of prefixOutput and silent");
            check(!workerTimeout.isNegative(), "workerTimeout", Durations.format(workerTimeout), "a duration of 0 (off) or more");
            check(maxRequests >= 0, "maxRequests", maxRequests, "a number of requests, 0 for never");
            check(maxRequestsJitter >= -1, "maxRequestsJitter", maxRequestsJitter, "a number of requests of 0 or more");
            check(maxRss >= 0, "maxRss", maxRss, "a size such as 512m, 0 for never");
            check(!maxRssGrace.isNegative(), "maxRssGrace", Durations.format(maxRssGrace), "a duration of 0 or more");
            check(!maxAge.isNegative(), "maxAge", Durations.format(maxAge), "a duration of 0 (never) or more");
            if (aotCache != null) {
                check(Files.isDirectory(aotCache.getParent()), "aotCache", aotCache, "a file in an existing directory");
                check(!Files.isDirectory(aotCache), "aotCache", aotCache, "a file, not a directory");
            }
            for (String name : environment.keySet()) {
                check(!name.isEmpty() && name.indexOf('=') < 0 && name.indexOf('\0') < 0, "env", name,
                        "NAME=VALUE with a name that has no '='");
            }
        }

        private static void check(boolean ok, String option, Object value, String allowed) {
            if (!ok) {
                throw new OptionException(option, value, allowed);
            }
        }
    }
}
