package io.clusterflock.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.LocalTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Starting {@link LibraryApp} as a master, and reading its workers' answers and the master's events. */
final class LibraryCluster {
    /** The first line of every LibraryApp answer. */
    static final Pattern FIRST_LINE = Pattern.compile("^worker (\\d+) gen (\\d+) pid (\\d+)$");
    static final Duration SERVE_TIMEOUT = Duration.ofSeconds(40);

    private LibraryCluster() {}

    /** Starts {@code java JVM_OPTIONS... LibraryApp ARGS...} as the master. */
    static MasterProcess start(List<String> jvmOptions, String... args) {
        return MasterProcess.program(LibraryCopies.app(jvmOptions, args));
    }

    /** Starts {@code java JVM_OPTIONS... LibraryApp ARGS...} as the master, without native access. */
    static MasterProcess startWithoutNativeAccess(List<String> jvmOptions, String... args) {
        return MasterProcess.program(LibraryCopies.appWithoutNativeAccess(jvmOptions, args));
    }

    /** An answer of LibraryApp: who answered, and the lines after the first. */
    record Reply(int id, int generation, long pid, List<String> lines, String body) {
        static Reply parse(String body) {
            List<String> all = body.lines().toList();
            Matcher first = FIRST_LINE.matcher(all.isEmpty() ? "" : all.getFirst());
            if (!first.matches()) {
                throw new AssertionError("not a LibraryApp answer: '" + body + "'");
            }
            return new Reply(Integer.parseInt(first.group(1)), Integer.parseInt(first.group(2)),
                    Long.parseLong(first.group(3)), all.subList(1, all.size()), body);
        }

        /** The value of the line that starts with {@code name + " "}. */
        String value(String name) {
            return lines.stream().filter(line -> line.startsWith(name + " ")).map(line -> line.substring(name.length() + 1))
                    .findFirst().orElseThrow(() -> new AssertionError("no '" + name + "' line in '" + body + "'"));
        }
    }

    /** One GET over a fresh connection; it must answer 200. */
    static Reply get(int port, String path) {
        try {
            Http.Response response = Http.get(port, path);
            if (response.status() != 200) {
                throw new AssertionError("GET " + path + " answered " + response.status() + ": " + response.body());
            }
            return Reply.parse(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + path + " on port " + port + " failed", e);
        }
    }

    /**
     * GETs {@code path.apply(n)} (n = 0, 1, 2... one per request) until workers 0 to
     * {@code workers - 1} have each given an answer that {@code done} accepts; every answer goes
     * through {@code check} first, which may fail the test.
     *
     * @return each worker's latest accepted answer, by id
     */
    static Map<Integer, Reply> untilEveryId(int port, int workers, IntFunction<String> path, Consumer<Reply> check,
            Predicate<Reply> done, Duration timeout) {
        Map<Integer, Reply> accepted = new LinkedHashMap<>();
        AtomicInteger n = new AtomicInteger();
        Await.until(timeout, () -> "accepted answers from workers 0 to " + (workers - 1) + " to " + path.apply(n.get())
                + ", only from " + accepted.keySet(), () -> {
            Reply reply = get(port, path.apply(n.getAndIncrement()));
            check.accept(reply);
            if (reply.id() < 0 || reply.id() >= workers) {
                throw new AssertionError("an answer from worker " + reply.id() + " of " + workers + ": " + reply.body());
            }
            if (done.test(reply)) {
                accepted.put(reply.id(), reply);
            }
            return accepted.size() == workers;
        });
        return accepted;
    }

    /** {@link #untilEveryId} for one fixed path, checking nothing more. */
    static Map<Integer, Reply> untilEveryId(int port, int workers, String path, Duration timeout) {
        return untilEveryId(port, workers, n -> path, reply -> { }, reply -> true, timeout);
    }

    /** Waits until every worker the master started with is ready (its {@code ready} event); returns their pids. */
    static List<Long> awaitReady(MasterProcess master) {
        List<Long> pids = master.startedPids();
        master.awaitReady(pids, SERVE_TIMEOUT);
        return pids;
    }

    /**
     * Milliseconds from {@code from} to {@code to}, times of day on this machine's clock (what a
     * fixture prints, or {@link MasterEvent#localTime}), across midnight too.
     */
    static long millisBetween(LocalTime from, LocalTime to) {
        long millis = Duration.between(from, to).toMillis();
        return millis < -12 * 3_600_000L ? millis + 24 * 3_600_000L : millis;
    }
}
