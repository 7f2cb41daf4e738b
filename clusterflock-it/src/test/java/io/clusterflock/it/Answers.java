package io.clusterflock.it;

import io.clusterflock.worker.Worker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Asks a cluster over HTTP until given workers have answered: who answered, as their bodies say. */
final class Answers {
    private Answers() {}

    /** A worker as its answer names it. */
    record Worker(int id, long pid) {}

    /**
     * GETs {@code /} until every pid of {@code pids} has answered; every answer must be a 200 whose
     * body matches {@code body} (group 1 the worker id, group 2 its pid).
     *
     * @return each answering pid and its worker, in the order first seen
     */
    static Map<Long, Worker> untilEveryPid(int port, Pattern body, Collection<Long> pids, Duration timeout) {
        Map<Long, Worker> seen = new LinkedHashMap<>();
        Await.until(timeout, () -> "answers from pids " + pids + ", seen only " + seen, () -> {
            Worker worker = ask(port, body);
            seen.putIfAbsent(worker.pid(), worker);
            return seen.keySet().containsAll(pids);
        });
        return seen;
    }

    /** One GET of {@code /}: must be a 200 whose body matches {@code body}. */
    static Worker ask(int port, Pattern body) {
        Http.Response response;
        try {
            response = Http.get(port, "/");
        } catch (IOException e) {
            throw new UncheckedIOException("GET / on port " + port + " failed", e);
        }
        if (response.status() != 200) {
            throw new AssertionError("GET / answered " + response.status() + ": " + response.body());
        }
        Matcher m = body.matcher(response.body().strip());
        if (!m.find()) {
            throw new AssertionError("GET / answered '" + response.body() + "', not /" + body + "/");
        }
        return new Worker(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)));
    }
}
