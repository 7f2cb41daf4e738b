package io.clusterflock.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load from wrk, a generator nobody here wrote (SPEC §6), on 127.0.0.1 only and always bounded
 * in time. wrk is looked up on PATH; when it is missing the test fails and says how to install it
 * ({@code make test} does), so a run without load never passes for a run with load.
 */
final class LoadWrk {
    /**
     * How long one request may take before wrk counts it as a timeout error. wrk's default is 2 s;
     * while JVMs start beside the load on a 2-core machine, a request may wait over a second for
     * a CPU without anything being wrong. A dropped request is an error whatever this is.
     */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /** What wrk may take beyond its duration: its start, the last requests, its report. */
    private static final Duration GRACE = Duration.ofSeconds(30);

    private static final Pattern REQUESTS = Pattern.compile("(?m)^\\s*(\\d+) requests in ([\\d.]+)(us|ms|s|m|h),");
    private static final Pattern SOCKET_ERRORS = Pattern.compile(
            "Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
    private static final Pattern RATE = Pattern.compile("(?m)^Requests/sec:\\s+([\\d.]+)");
    private static final Pattern LATENCY = Pattern.compile("(?m)^\\s*Latency\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)");

    private LoadWrk() {}

    /** The wrk on PATH; fails the test, saying how to install it, when there is none. */
    static Path executable() {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                Path wrk = Path.of(dir.isEmpty() ? "." : dir, "wrk");
                if (Files.isRegularFile(wrk) && Files.isExecutable(wrk)) {
                    return wrk;
                }
            }
        }
        throw new AssertionError("wrk is not on PATH (" + path + "): the reload tests put load on the cluster with wrk."
                + " Install it: sudo apt-get install wrk (make test installs it when missing)");
    }

    /** Starts wrk {@code -t2 -c50} against {@code http://127.0.0.1:port/} for {@code duration}, plus {@code options}. */
    static Run start(int port, Duration duration, String... options) {
        return start("http", port, duration, options);
    }

    /** {@link #start(int, Duration, String...)} with {@code scheme}: {@code https} speaks TLS (wrk checks no certificate). */
    static Run start(String scheme, int port, Duration duration, String... options) {
        List<String> command = new ArrayList<>(List.of(executable().toString(), "-t2", "-c50",
                "-d" + duration.toSeconds() + "s", "--latency", "--timeout", REQUEST_TIMEOUT.toSeconds() + "s"));
        command.addAll(List.of(options));
        command.add(scheme + "://" + Http.HOST + ":" + port + "/");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            return new Run(process, String.join(" ", command), duration);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command, e);
        }
    }

    /** {@link #start} and {@link Run#await}. */
    static Result run(int port, Duration duration, String... options) {
        return start(port, duration, options).await();
    }

    /** A Lua script for wrk's {@code -s}: one request in {@code every} is {@code slowPath}, the others {@code /}. */
    static Path script(Path dir, int every, String slowPath) {
        String lua = """
                -- one request in %d is %s: reloads happen with slow requests in flight
                local n = 0
                request = function()
                  n = n + 1
                  if n %% %d == 0 then return wrk.format("GET", "%s") end
                  return wrk.format("GET", "/")
                end
                """.formatted(every, slowPath, every, slowPath);
        try {
            return Files.writeString(dir.resolve("slow.lua"), lua);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A wrk process under way. */
    static final class Run {
        private final Process process;
        private final String command;
        private final Duration duration;

        private Run(Process process, String command, Duration duration) {
            this.process = process;
            this.command = command;
            this.duration = duration;
        }

        /** Waits for wrk's report (at most its duration and a grace) and reads it. */
        Result await() {
            try {
                byte[] output = process.getInputStream().readAllBytes(); // ends when wrk exits
                if (!process.waitFor(duration.plus(GRACE).toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError("wrk still running " + GRACE.toSeconds() + " s after its duration: " + command);
                }
                return parse(command, new String(output, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new AssertionError("cannot read the output of " + command, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
                throw new AssertionError("interrupted while waiting for " + command, e);
            }
        }

        /**
         * Ends the load before its duration, as Ctrl-C does: wrk stops sending on SIGINT, prints its
         * report for the time it ran, and exits; returns that report.
         */
        Result stop() {
            if (process.isAlive() && !Kill.signal(process.pid(), "INT") && process.isAlive()) {
                throw new AssertionError("cannot send SIGINT to " + command);
            }
            return await();
        }

        /** Stops wrk if it still runs (a test failed before its end). */
        void cancel() {
            process.destroyForcibly();
        }
    }

    /** What wrk reported. Latencies are as wrk prints them ("1.42s", "930.00us"). */
    record Result(String command, String output, long requests, double seconds, double requestsPerSecond,
                  long connectErrors, long readErrors, long writeErrors, long timeouts, long non2xx,
                  String latencyAverage, String latencyMax) {

        long socketErrors() {
            return connectErrors + readErrors + writeErrors + timeouts;
        }

        /** One line for logs and failure messages. */
        String summary() {
            return String.format(Locale.ROOT, "%d requests in %.1f s, %.0f req/s, latency avg %s max %s,"
                            + " socket errors %d (connect %d, read %d, write %d, timeout %d), non-2xx %d",
                    requests, seconds, requestsPerSecond, latencyAverage, latencyMax, socketErrors(), connectErrors,
                    readErrors, writeErrors, timeouts, non2xx);
        }

        /** Fails unless every request got an answer (no socket error) and every answer was a 2xx/3xx. */
        void assertNoFailedRequest(String what, String context) {
            if (socketErrors() != 0 || non2xx != 0 || requests == 0) {
                throw new AssertionError(what + ": " + (requests == 0 ? "no request completed" : "failed requests")
                        + ": " + summary() + "\n---- " + command + " ----\n" + output + context);
            }
        }
    }

    /** Reads wrk's report; fails with the whole output when it has no request count (wrk could not run). */
    static Result parse(String command, String output) {
        Matcher requests = REQUESTS.matcher(output);
        Matcher rate = RATE.matcher(output);
        if (!requests.find() || !rate.find()) {
            throw new AssertionError("no report in the output of " + command + ":\n" + output);
        }
        long[] errors = new long[4];
        Matcher socket = SOCKET_ERRORS.matcher(output);
        if (socket.find()) {
            for (int i = 0; i < 4; i++) {
                errors[i] = Long.parseLong(socket.group(i + 1));
            }
        }
        Matcher non2xx = NON_2XX.matcher(output);
        Matcher latency = LATENCY.matcher(output);
        boolean hasLatency = latency.find();
        return new Result(command, output, Long.parseLong(requests.group(1)),
                seconds(Double.parseDouble(requests.group(2)), requests.group(3)), Double.parseDouble(rate.group(1)),
                errors[0], errors[1], errors[2], errors[3], non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0,
                hasLatency ? latency.group(1) : "?", hasLatency ? latency.group(3) : "?");
    }

    private static double seconds(double value, String unit) {
        return switch (unit) {
            case "us" -> value / 1e6;
            case "ms" -> value / 1e3;
            case "m" -> value * 60;
            case "h" -> value * 3600;
            default -> value;
        };
    }
}
