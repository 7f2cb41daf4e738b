package io.clusterflock.cli;

import io.clusterflock.worker.Worker;

import io.clusterflock.ClusterOptions;
import io.clusterflock.internal.util.Durations;
import io.clusterflock.OptionException;
import io.clusterflock.ReadyWhen;
import io.clusterflock.internal.util.Sizes;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options every cluster-starting command shares. Values are taken as text and checked by the
 * core's validation, so the CLI and the Java API refuse the same values with the same words.
 */
final class ClusterFlags {
    /** Java API option name → flag, for messages. */
    private static final Map<String, String> FLAGS = Map.ofEntries(
            Map.entry("workers", "--workers"), Map.entry("port", "--port"), Map.entry("host", "--host"),
            Map.entry("backlog", "--backlog"), Map.entry("timeout", "--timeout"),
            Map.entry("readyWhen", "--ready-when"), Map.entry("readyTimeout", "--ready-timeout"),
            Map.entry("respawnDelay", "--respawn-delay"), Map.entry("respawnDelayMax", "--respawn-delay-max"),
            Map.entry("env", "--env"), Map.entry("PORT", "$PORT"), Map.entry("command", "COMMAND"),
            Map.entry("name", "--name"), Map.entry("prefixOutput", "--prefix-output"), Map.entry("silent", "--silent"),
            Map.entry("workerTimeout", "--worker-timeout"), Map.entry("maxRequests", "--max-requests"),
            Map.entry("maxRequestsJitter", "--max-requests-jitter"), Map.entry("maxRss", "--max-rss"),
            Map.entry("maxRssGrace", "--max-rss-grace"), Map.entry("maxAge", "--max-age"),
            Map.entry("aotCache", "--aot-cache"), Map.entry("logFormat", "--log-format"));

    @Option(names = {"-w", "--workers"}, paramLabel = "N",
            description = "Worker processes to keep running (default: available processors).")
    String workers;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", description = "TCP port (default: $PORT, else 5000; 0 picks a free one).")
    String port;

    @Option(names = "--host", paramLabel = "HOST", description = "Address to listen on (default: all interfaces).")
    String host;

    @Option(names = "--backlog", paramLabel = "N", description = "Listen backlog (default: 1024).")
    String backlog;

    @Option(names = {"-t", "--timeout"}, paramLabel = "DURATION",
            description = "Graceful stop: how long a worker may drain before it is killed (default: 10s).")
    String timeout;

    @Option(names = "--ready-when", paramLabel = "WHEN",
            description = "When a new worker counts as ready: started, listening or ready (default: started).")
    String readyWhen;

    @Option(names = "--ready-timeout", paramLabel = "DURATION",
            description = "A worker not ready in this time is a failed start (default: 60s).")
    String readyTimeout;

    @Option(names = "--respawn-delay", paramLabel = "DURATION",
            description = "First delay before re-forking a worker that died young; doubles per death (default: 100ms).")
    String respawnDelay;

    @Option(names = "--respawn-delay-max", paramLabel = "DURATION", description = "Cap of the respawn delay (default: 30s).")
    String respawnDelayMax;

    @Option(names = {"-e", "--env"}, paramLabel = "NAME=VALUE", description = "Set a variable for the workers (repeatable).")
    List<String> env = new ArrayList<>();

    @Option(names = "--title", paramLabel = "TITLE",
            description = "Label in process titles: 'clusterflock worker 0 [TITLE]' (default: the command's name).")
    String title;

    @Option(names = "--name", paramLabel = "NAME",
            description = "The cluster's name, for control commands when several run side by side (default: default).")
    String name;

    @Option(names = "--prefix-output", description = "Tag each line a worker writes with its id.")
    boolean prefixOutput;

    @Option(names = "--silent", description = "Keep the workers' stdout and stderr out of the master's output.")
    boolean silent;

    @Option(names = "--worker-timeout", paramLabel = "DURATION",
            description = "A worker that heartbeats, then misses this long, gets a thread dump, is killed and re-forked (default: off).")
    String workerTimeout;

    @Option(names = "--max-requests", paramLabel = "N", description = "Replace a worker after N requests (default: never).")
    String maxRequests;

    @Option(names = "--max-requests-jitter", paramLabel = "N",
            description = "Add up to N at random to each worker's --max-requests (default: a tenth of it).")
    String maxRequestsJitter;

    @Option(names = "--max-rss", paramLabel = "SIZE",
            description = "Replace a worker whose resident memory stays above SIZE, e.g. 512m (default: never).")
    String maxRss;

    @Option(names = "--max-rss-grace", paramLabel = "DURATION",
            description = "How long a worker may stay above --max-rss before it is replaced (default: 2s).")
    String maxRssGrace;

    @Option(names = "--max-age", paramLabel = "DURATION", description = "Replace a worker older than this (default: never).")
    String maxAge;

    @Option(names = "--aot-cache", paramLabel = "FILE",
            description = "JVM workers map this JDK 25 AOT cache and start sooner; while it is missing, one worker records it (default: none).")
    String aotCache;

    @Option(names = "--log-format", paramLabel = "FORMAT",
            description = "How the master logs its events: text lines, or one JSON object per line (default: text).")
    String logFormat;

    /** Applies the given flags over {@code builder}'s defaults and builds; bad values become one line. */
    ClusterOptions build(ClusterOptions.Builder builder) {
        try {
            apply(builder);
            return builder.build();
        } catch (OptionException e) {
            throw new OperatorError(e.describeAs(FLAGS.getOrDefault(e.option(), e.option())));
        }
    }

    private void apply(ClusterOptions.Builder b) {
        if (workers != null) {
            b.workers(integer("workers", workers, "a whole number from 1 to " + ClusterOptions.MAX_WORKERS));
        }
        if (port != null) {
            b.port(integer("port", port, "a port number from 0 to 65535"));
        }
        if (host != null) {
            b.host(host);
        }
        if (backlog != null) {
            b.backlog(integer("backlog", backlog, "a whole number from 1 to 65535"));
        }
        if (timeout != null) {
            b.timeout(Durations.parse("timeout", timeout));
        }
        if (readyWhen != null) {
            b.readyWhen(parseReadyWhen(readyWhen));
        }
        if (readyTimeout != null) {
            b.readyTimeout(Durations.parse("readyTimeout", readyTimeout));
        }
        if (respawnDelay != null) {
            b.respawnDelay(Durations.parse("respawnDelay", respawnDelay));
        }
        if (respawnDelayMax != null) {
            b.respawnDelayMax(Durations.parse("respawnDelayMax", respawnDelayMax));
        }
        for (String pair : env) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new OptionException("env", pair, "NAME=VALUE");
            }
            b.env(pair.substring(0, eq), pair.substring(eq + 1));
        }
        if (title != null) {
            b.title(title);
        }
        if (name != null) {
            b.name(name);
        }
        b.prefixOutput(prefixOutput).silent(silent);
        if (workerTimeout != null) {
            b.workerTimeout(Durations.parse("workerTimeout", workerTimeout));
        }
        if (maxRequests != null) {
            b.maxRequests(integer("maxRequests", maxRequests, "a number of requests, 0 for never"));
        }
        if (maxRequestsJitter != null) {
            b.maxRequestsJitter(integer("maxRequestsJitter", maxRequestsJitter, "a number of requests of 0 or more"));
        }
        if (maxRss != null) {
            b.maxRss(Sizes.parse("maxRss", maxRss));
        }
        if (maxRssGrace != null) {
            b.maxRssGrace(Durations.parse("maxRssGrace", maxRssGrace));
        }
        if (maxAge != null) {
            b.maxAge(Durations.parse("maxAge", maxAge));
        }
        if (aotCache != null) {
            b.aotCache(path("aotCache", aotCache));
        }
        if (logFormat != null) {
            switch (logFormat.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "text" -> b.logFormat(io.clusterflock.LogFormat.TEXT);
                case "json" -> b.logFormat(io.clusterflock.LogFormat.JSON);
                default -> throw new OptionException("logFormat", logFormat, "text or json");
            }
        }
    }

    private static ReadyWhen parseReadyWhen(String text) {
        try {
            return ReadyWhen.parse(text);
        } catch (OptionException e) {
            throw new OptionException("readyWhen", text, "started, listening or ready");
        }
    }

    private static Path path(String option, String text) {
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new OptionException(option, text, "a file name");
        }
    }

    private static int integer(String option, String text, String allowed) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new OptionException(option, text, allowed);
        }
    }
}
