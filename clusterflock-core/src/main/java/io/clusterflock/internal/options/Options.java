package io.clusterflock.internal.options;

import io.clusterflock.AotCacheMode;
import io.clusterflock.ClusterOptions;
import io.clusterflock.Warmup;
import io.clusterflock.ClusterOptions.Builder;
import io.clusterflock.LogFormat;
import io.clusterflock.MemoryBudget;
import io.clusterflock.ReadyWhen;
import io.clusterflock.internal.tls.TlsFiles;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every option of a cluster, declared once. The builder's methods, its validation, the
 * {@code -Dclusterflock.*} properties and the command line's flags and help are all read from
 * here, so an option is named, parsed, checked and explained the same way wherever it is set.
 */
public final class Options {
    public static final Option<List<String>> COMMAND = Option.<List<String>>apiOnly("command", words -> String.join(" ", words))
            .label("COMMAND")
            .byDefault(List.of(), "none (required)")
            .allowed(words -> !words.isEmpty() && !words.getFirst().isBlank(), "a program to run as each worker")
            .help("The worker program and its arguments")
            .reachedBy(Builder::command, ClusterOptions::command);

    public static final Option<Integer> WORKERS = Option.named("workers", TextForm.wholeNumber())
            .flags("-w", "--workers").label("N").property()
            .byDefault(values -> WorkerCount.byDefault(Runtime.getRuntime().availableProcessors(), values.get(Options.MEMORY),
                    io.clusterflock.internal.os.MachineMemory.here()), "available processors, at most one per 128 MiB of --memory") // container-aware
            .allowed(n -> n >= 1 && n <= ClusterOptions.MAX_WORKERS, "a whole number from 1 to " + ClusterOptions.MAX_WORKERS)
            .help("Worker processes to keep running")
            .reachedBy(Builder::workers, ClusterOptions::workers);

    public static final Option<MemoryBudget> MEMORY = Option.named("memory", memoryForm())
            .flags("--memory").label("SIZE").property()
            .byDefault(MemoryBudget.standard(), "90%")
            .help("Memory the workers share: each JVM worker is sized for its part (-XX:MaxRAM), unless it sets its heap itself; "
                    + "a size, a percentage of the cgroup limit (else of physical memory), or off")
            .reachedBy(Builder::memory, ClusterOptions::memory);

    public static final Option<Integer> PORT = Option.named("port", TextForm.wholeNumber())
            .flags("-p", "--port").label("PORT").property().environment("PORT")
            .byDefault(5000, "$PORT, else 5000")
            .allowed(n -> n >= 0 && n <= 65535, "a port number from 0 to 65535")
            .help("TCP port; 0 lets the kernel pick a free one")
            .reachedBy(Builder::port, ClusterOptions::port);

    public static final Option<String> HOST = Option.named("host", TextForm.text())
            .flags("--host").label("HOST").property()
            .noneByDefault("all interfaces")
            .help("Address to listen on")
            .reachedBy(Builder::host, ClusterOptions::host);

    public static final Option<Integer> BACKLOG = Option.named("backlog", TextForm.wholeNumber())
            .flags("--backlog").label("N").property()
            .byDefault(1024, "1024")
            .allowed(n -> n >= 1 && n <= 65535, "a whole number from 1 to 65535")
            .help("Listen backlog: connections the kernel queues while every worker is busy")
            .reachedBy(Builder::backlog, ClusterOptions::backlog);

    public static final Option<Boolean> STICKY = Option.named("sticky", TextForm.toggle())
            .flags("--sticky").property()
            .byDefault(false, "off")
            .help("Every connection of one client address goes to the same slot: a socket per slot, picked by the kernel")
            .reachedBy(Builder::sticky, ClusterOptions::sticky);

    public static final Option<InetSocketAddress> METRICS = Option.named("metrics", TextForm.socketAddress())
            .flags("--metrics").label("HOST:PORT").property()
            .noneByDefault("off")
            .help("Serve the master's Prometheus metrics at http://HOST:PORT/metrics; :PORT is every interface")
            .reachedBy(Builder::metrics, ClusterOptions::metrics);

    public static final Option<Path> TLS_CERT = Option.named("tlsCert", TextForm.path())
            .flags("--tls-cert").label("FILE").property()
            .noneByDefault("off (clear text)")
            .help("Serve HTTPS: a PEM certificate chain (with --tls-key), or a PKCS#12/JKS keystore; each new worker reads it afresh")
            .reachedBy(Builder::tlsCert, options -> options.tlsCert().orElse(null));

    public static final Option<Path> TLS_KEY = Option.named("tlsKey", TextForm.path())
            .flags("--tls-key").label("FILE").property()
            .noneByDefault("none")
            .help("The PEM private key (PKCS#8) of --tls-cert's certificate")
            .reachedBy(Builder::tlsKey, options -> options.tlsKey().orElse(null));

    public static final Option<String> TLS_PASSWORD = Option.named("tlsPassword", TextForm.text())
            .environment(TlsFiles.PASSWORD_VARIABLE)
            .byDefault("", "none")
            .help("The password of a --tls-cert keystore; from the environment, never a flag")
            .reachedBy(Builder::tlsPassword, ClusterOptions::tlsPassword);

    public static final Option<Boolean> HTTP2 = Option.named("http2", TextForm.toggle())
            .flags("--http2").label("BOOL").property()
            .byDefault(true, "true")
            .help("Library-mode workers speak HTTP/2 beside HTTP/1.1: h2 by ALPN over TLS, h2c in clear text")
            .reachedBy(Builder::http2, ClusterOptions::http2);

    public static final Option<String> USER = Option.named("user", TextForm.text())
            .flags("--user").label("USER").property()
            .noneByDefault("the master's user")
            .allowed(name -> io.clusterflock.internal.os.Accounts.user(name).isPresent(), "a user of this machine, by name or uid")
            .help("Run the workers as this user (the master, as root, keeps the port and the control socket)")
            .reachedBy(Builder::user, options -> options.user().orElse(null));

    public static final Option<String> GROUP = Option.named("group", TextForm.text())
            .flags("--group").label("GROUP").property()
            .noneByDefault("the user's primary group")
            .allowed(name -> io.clusterflock.internal.os.Accounts.group(name).isPresent(), "a group of this machine, by name or gid")
            .help("Run the workers with this group, supplementary groups cleared")
            .reachedBy(Builder::group, options -> options.group().orElse(null));

    public static final Option<Duration> TIMEOUT = Option.named("timeout", TextForm.duration())
            .flags("-t", "--timeout").label("DURATION").property()
            .byDefault(Duration.ofSeconds(10), "10s")
            .allowed(d -> !d.isNegative(), "a duration of 0 or more, such as 500ms, 10s or 2m")
            .help("Graceful stop: how long a worker may drain before it is killed")
            .reachedBy(Builder::timeout, ClusterOptions::timeout);

    public static final Option<Duration> SHUTDOWN_DELAY = Option.named("shutdownDelay", TextForm.duration())
            .flags("--shutdown-delay").label("DURATION").property()
            .byDefault(Duration.ZERO, "0 (none)")
            .allowed(d -> !d.isNegative() && d.compareTo(Duration.ofMinutes(10)) <= 0, "0 or a duration up to 10m, such as 5s")
            .help("On SIGTERM, serve on normally this long before draining (while a load balancer stops sending)")
            .reachedBy(Builder::shutdownDelay, ClusterOptions::shutdownDelay);

    public static final Option<ReadyWhen> READY_WHEN = Option.named("readyWhen", TextForm.choice(ReadyWhen.class))
            .flags("--ready-when").label("WHEN").property()
            .byDefault(ReadyWhen.STARTED, "started")
            .help("When a new worker counts as ready: started (up for --ready-after, or sooner when it says so), listening or ready")
            .reachedBy(Builder::readyWhen, ClusterOptions::readyWhen);

    public static final Option<Duration> READY_TIMEOUT = Option.named("readyTimeout", TextForm.duration())
            .flags("--ready-timeout").label("DURATION").property()
            .byDefault(Duration.ofSeconds(60), "60s")
            .allowed(Duration::isPositive, "a duration above 0, such as 30s or 2m")
            .help("A worker not ready in this time is killed and counts as a failed start")
            .reachedBy(Builder::readyTimeout, ClusterOptions::readyTimeout);

    public static final Option<Duration> READY_AFTER = Option.named("readyAfter", TextForm.duration())
            .flags("--ready-after").label("DURATION").property()
            .byDefault(Duration.ofSeconds(1), "1s")
            .allowed(d -> !d.isNegative(), "a duration of 0 or more, such as 500ms or 2s")
            .help("With --ready-when started: a worker that says nothing is ready once it has stayed up this long")
            .reachedBy(Builder::readyAfter, ClusterOptions::readyAfter);

    public static final Option<Integer> RELOAD_SURGE = Option.named("reloadSurge", TextForm.wholeNumber())
            .flags("--reload-surge").label("N").property()
            .byDefault(values -> Math.max(1, Runtime.getRuntime().availableProcessors() / 2), "half the available processors, at least 1")
            .allowed(n -> n >= 1 && n <= ClusterOptions.MAX_WORKERS, "a whole number from 1 to " + ClusterOptions.MAX_WORKERS)
            .help("A reload starts at most N new workers at a time; each slot's old worker serves until its new one is ready")
            .reachedBy(Builder::reloadSurge, ClusterOptions::reloadSurge);

    public static final Option<Duration> RAMP = Option.named("ramp", TextForm.duration())
            .flags("--ramp").label("DURATION").property()
            .byDefault(Duration.ZERO, "off")
            .allowed(d -> !d.isNegative() && d.compareTo(Duration.ofMinutes(1)) <= 0, "0 (off) or a duration up to 1m, such as 2s")
            .help("A new library-mode worker takes few connections at first, doubling its share over this long")
            .reachedBy(Builder::ramp, ClusterOptions::ramp);

    public static final Option<Duration> RESPAWN_DELAY = Option.named("respawnDelay", TextForm.duration())
            .flags("--respawn-delay").label("DURATION").property()
            .byDefault(Duration.ofMillis(100), "100ms")
            .allowed(Duration::isPositive, "a duration above 0, such as 100ms or 2s")
            .help("First delay before re-forking a worker that died young; doubles per quick death")
            .reachedBy(Builder::respawnDelay, ClusterOptions::respawnDelay);

    public static final Option<Duration> RESPAWN_DELAY_MAX = Option.named("respawnDelayMax", TextForm.duration())
            .flags("--respawn-delay-max").label("DURATION").property()
            .byDefault(Duration.ofSeconds(30), "30s")
            .allowed(d -> !d.isNegative(), "0 (a constant delay) or a duration such as 30s or 2m")
            .help("Cap of the doubling respawn delay; 0: no doubling, every respawn waits --respawn-delay")
            .reachedBy(Builder::respawnDelayMax, ClusterOptions::respawnDelayMax);

    public static final Option<Map.Entry<String, String>> ENV = Option.named("env", TextForm.assignment())
            .flags("-e", "--env").label("NAME=VALUE").repeatable()
            .allowed(variable -> !variable.getKey().isEmpty() && variable.getKey().indexOf('=') < 0
                    && variable.getKey().indexOf('\0') < 0, "NAME=VALUE with a name that has no '='")
            .help("Set a variable for the workers, over the inherited environment (repeatable)")
            .reachedBy((builder, variable) -> builder.env(variable.getKey(), variable.getValue()), ClusterOptions::environment);

    public static final Option<Boolean> INHERIT_ENVIRONMENT = Option.<Boolean>apiOnly("inheritEnvironment", String::valueOf)
            .byDefault(true, "true")
            .help("Whether workers inherit the master's environment")
            .reachedBy(Builder::inheritEnvironment, ClusterOptions::inheritEnvironment);

    public static final Option<String> TITLE = Option.named("title", TextForm.text())
            .flags("--title").label("TITLE").property()
            .byDefault(values -> fileName(values.get(COMMAND)), "the command's file name")
            .help("Label in process titles: 'clusterflock worker 0 [TITLE]'")
            .reachedBy(Builder::title, ClusterOptions::title);

    public static final Option<Boolean> SIGNALS = Option.<Boolean>apiOnly("signals", String::valueOf)
            .byDefault(true, "true")
            .help("Whether the master takes over TERM, INT, HUP, USR2, TTIN and TTOU")
            .reachedBy(Builder::signals, ClusterOptions::signals);

    public static final Option<String> NAME = Option.named("name", TextForm.text())
            .flags("--name").label("NAME").property()
            .byDefault("default", "default")
            .allowed(name -> name.matches("[A-Za-z0-9._-]{1,64}"), "1 to 64 letters, digits, '.', '_' or '-'")
            .help("The cluster's name, for control commands when several run side by side")
            .reachedBy(Builder::name, ClusterOptions::name);

    public static final Option<Boolean> PREFIX_OUTPUT = Option.named("prefixOutput", TextForm.toggle())
            .flags("--prefix-output").property()
            .byDefault(false, "off")
            .help("Tag each line a worker writes with its id")
            .reachedBy(Builder::prefixOutput, ClusterOptions::prefixOutput);

    public static final Option<Boolean> SILENT = Option.named("silent", TextForm.toggle())
            .flags("--silent").property()
            .byDefault(false, "off")
            .help("Keep the workers' stdout and stderr out of the master's output")
            .reachedBy(Builder::silent, ClusterOptions::silent);

    public static final Option<LogFormat> LOG_FORMAT = Option.named("logFormat", TextForm.choice(LogFormat.class))
            .flags("--log-format").label("FORMAT").property()
            .byDefault(LogFormat.TEXT, "text")
            .help("How the master logs its events: text lines, or one JSON object per line")
            .reachedBy(Builder::logFormat, ClusterOptions::logFormat);

    public static final Option<System.Logger> LOGGER = Option.<System.Logger>apiOnly("logger", System.Logger::getName)
            .byDefault(values -> System.getLogger("io.clusterflock"), "System.getLogger(\"io.clusterflock\")")
            .help("Where the master writes its one line per event; none turns the event log off")
            .reachedBy(Builder::logger, ClusterOptions::logger);

    public static final Option<Duration> WORKER_TIMEOUT = Option.named("workerTimeout", TextForm.duration())
            .flags("--worker-timeout").label("DURATION").property()
            .byDefault(Duration.ZERO, "off")
            .allowed(d -> !d.isNegative(), "0 (off) or a duration such as 3s or 1m")
            .help("A worker that heartbeats, then misses this long, gets a thread dump, is killed and re-forked")
            .reachedBy(Builder::workerTimeout, ClusterOptions::workerTimeout);

    public static final Option<Long> MAX_REQUESTS = Option.named("maxRequests", TextForm.count())
            .flags("--max-requests").label("N").property()
            .byDefault(0L, "never")
            .allowed(n -> n >= 0, "a number of requests, 0 for never")
            .help("Replace a worker after N requests")
            .reachedBy(Builder::maxRequests, ClusterOptions::maxRequests);

    public static final Option<Long> MAX_REQUESTS_JITTER = Option.named("maxRequestsJitter", TextForm.count())
            .flags("--max-requests-jitter").label("N").property()
            .byDefault(values -> values.get(MAX_REQUESTS) / 10, "a tenth of --max-requests")
            .allowed(n -> n >= 0, "a number of requests of 0 or more")
            .help("Add up to N at random to each worker's --max-requests")
            .reachedBy(Builder::maxRequestsJitter, ClusterOptions::maxRequestsJitter);

    public static final Option<Long> MAX_RSS = Option.named("maxRss", TextForm.size())
            .flags("--max-rss").label("SIZE").property()
            .byDefault(0L, "never")
            .allowed(bytes -> bytes >= 0, "a size such as 512m or 2g, 0 for never")
            .help("Replace a worker whose resident memory stays above SIZE, e.g. 512m")
            .reachedBy(Builder::maxRss, ClusterOptions::maxRss);

    public static final Option<Duration> MAX_RSS_GRACE = Option.named("maxRssGrace", TextForm.duration())
            .flags("--max-rss-grace").label("DURATION").property()
            .byDefault(Duration.ofSeconds(2), "2s")
            .allowed(d -> !d.isNegative(), "a duration of 0 or more, such as 500ms or 2s")
            .help("How long a worker may stay above --max-rss before it is replaced")
            .reachedBy(Builder::maxRssGrace, ClusterOptions::maxRssGrace);

    public static final Option<Duration> MAX_AGE = Option.named("maxAge", TextForm.duration())
            .flags("--max-age").label("DURATION").property()
            .byDefault(Duration.ZERO, "never")
            .allowed(d -> !d.isNegative(), "0 (never) or a duration such as 6h")
            .help("Replace a worker older than this")
            .reachedBy(Builder::maxAge, ClusterOptions::maxAge);

    public static final Option<Warmup> WARMUP = Option.named("warmup", TextForm.warmup())
            .flags("--warmup").label("REQUEST").property().repeatable()
            .noneByDefault("the server's own request path only")
            .help("A request each new library-mode worker sends itself before it accepts, e.g. 'GET /items; count 500' (repeatable)")
            .reachedBy(Builder::warmup, ClusterOptions::warmups);

    public static final Option<AotCacheMode> AOT_CACHE = Option.named("aotCache", aotCacheForm())
            .flags("--aot-cache").label("FILE").property()
            .byDefault(AotCacheMode.automatic(), "auto")
            .allowed(mode -> !(mode instanceof AotCacheMode.InFile(Path file))
                    || file.getParent() != null && Files.isDirectory(file.getParent()), "a file in an existing directory")
            .allowed(mode -> !(mode instanceof AotCacheMode.InFile(Path file)) || !Files.isDirectory(file),
                    "a file, not a directory")
            .help("JDK 25 AOT cache of JVM workers: auto (one per build, in --aot-cache-dir), a FILE, or off")
            .reachedBy(Builder::aotCache, ClusterOptions::aotCache);

    public static final Option<Path> AOT_CACHE_DIR = Option.named("aotCacheDir", TextForm.path())
            .flags("--aot-cache-dir").label("DIR").property()
            .byDefault(values -> standardAotCacheDir(System::getenv, System.getProperty("user.home")),
                    "$CACHE_DIRECTORY/aot (systemd), else $XDG_CACHE_HOME/clusterflock/aot, else ~/.cache/clusterflock/aot")
            .allowed(dir -> !Files.exists(dir) || Files.isDirectory(dir), "a directory")
            .help("Where --aot-cache auto keeps one cache per build; created when missing")
            .reachedBy(Builder::aotCacheDir, ClusterOptions::aotCacheDir);

    /** Every option, in the order of the docs; validation goes through them in this order. */
    public static final List<Option<?>> ALL = List.of(COMMAND, WORKERS, MEMORY, PORT, HOST, BACKLOG, STICKY, TLS_CERT, TLS_KEY, TLS_PASSWORD, HTTP2, METRICS, USER, GROUP, TIMEOUT, SHUTDOWN_DELAY, READY_WHEN,
            READY_TIMEOUT, READY_AFTER, RELOAD_SURGE, RAMP, RESPAWN_DELAY, RESPAWN_DELAY_MAX, ENV, INHERIT_ENVIRONMENT, TITLE, SIGNALS, NAME, PREFIX_OUTPUT,
            SILENT, LOG_FORMAT, LOGGER, WORKER_TIMEOUT, MAX_REQUESTS, MAX_REQUESTS_JITTER, MAX_RSS, MAX_RSS_GRACE, MAX_AGE,
            WARMUP, AOT_CACHE, AOT_CACHE_DIR);

    private static final Map<String, Option<?>> BY_NAME = ALL.stream().collect(Collectors.toMap(Option::name, Function.identity()));

    private Options() {}

    /** The option the Java API calls {@code name}. */
    public static Optional<Option<?>> named(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** The first value refused, each option on its own first, then the {@link Rules} between them. */
    public static Optional<Refusal> refusal(OptionValues values) {
        for (Option<?> option : ALL) {
            Optional<Refusal> refusal = refusal(option, values);
            if (refusal.isPresent()) {
                return refusal;
            }
        }
        return Rules.refusal(values);
    }

    private static <T> Optional<Refusal> refusal(Option<T> option, OptionValues values) {
        return values.all(option).stream().flatMap(value -> option.refusal(value).stream()).findFirst();
    }

    /** {@code 1g}, {@code 512m}, {@code 75%} or {@code off}. */
    private static TextForm<MemoryBudget> memoryForm() {
        TextForm<Long> size = TextForm.size();
        return new TextForm<>(text -> {
            String written = text.strip();
            if (written.equals("off")) {
                return Optional.of(MemoryBudget.off());
            }
            if (written.endsWith("%")) {
                return TextForm.wholeNumber().read(written.substring(0, written.length() - 1))
                        .filter(percent -> percent >= 1 && percent <= 100).map(MemoryBudget::percent);
            }
            return size.read(written).filter(bytes -> bytes > 0).map(MemoryBudget::bytes);
        }, budget -> switch (budget) {
            case MemoryBudget.Share(int percent) -> percent + "%";
            case MemoryBudget.Size(long bytes) -> Long.toString(bytes);
            case MemoryBudget.Off off -> "off";
        }, "a size such as 512m or 2g, a percentage from 1% to 100%, or off");
    }

    /** {@code auto}, {@code off}, or a file name; a file named "off" is written {@code ./off}. */
    private static TextForm<AotCacheMode> aotCacheForm() {
        TextForm<Path> path = TextForm.path();
        return new TextForm<>(text -> switch (text.strip()) {
            case "auto" -> Optional.of(AotCacheMode.automatic());
            case "off" -> Optional.of(AotCacheMode.off());
            default -> path.read(text).map(AotCacheMode::file);
        }, mode -> switch (mode) {
            case AotCacheMode.Automatic automatic -> "auto";
            case AotCacheMode.Off off -> "off";
            case AotCacheMode.InFile(Path file) -> file.toString();
        }, "auto, off or a file name");
    }

    /**
     * Where automatic AOT caches live unless {@code --aot-cache-dir} says: the service's own cache
     * directory under systemd ({@code CacheDirectory=} sets {@code $CACHE_DIRECTORY}, the first of
     * its colon-separated list), else the XDG base directory (an absolute one only, as the spec
     * says), else {@code ~/.cache}.
     */
    static Path standardAotCacheDir(Function<String, String> environment, String userHome) {
        String systemd = environment.apply("CACHE_DIRECTORY");
        if (systemd != null && systemd.startsWith("/")) {
            return Path.of(systemd.split(":")[0], "aot");
        }
        String xdg = environment.apply("XDG_CACHE_HOME");
        Path home = xdg != null && xdg.startsWith("/") ? Path.of(xdg) : Path.of(userHome == null ? "" : userHome, ".cache");
        return home.resolve("clusterflock").resolve("aot");
    }

    private static String fileName(List<String> command) {
        if (command.isEmpty()) {
            return "";
        }
        String first = command.getFirst();
        return first.substring(first.lastIndexOf('/') + 1);
    }
}
