package io.clusterflock.it;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A GET of {@code /} over a fresh connection, one per poll interval, on a thread of its own for as
 * long as it is open: whatever a test does meanwhile, {@link #stop} tells whether every request
 * was answered 200 by LibraryApp, and {@link #awaitAnswersFrom} whether given workers still answer.
 */
final class LibraryLoad implements AutoCloseable {
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final AtomicInteger served = new AtomicInteger();
    private final AtomicBoolean done = new AtomicBoolean();
    /** When each worker pid last answered, in System.nanoTime(). */
    private final Map<Long, Long> lastAnswer = new ConcurrentHashMap<>();
    private final Thread thread;

    private LibraryLoad(int port) {
        thread = Thread.ofPlatform().daemon().name("library-load").start(() -> {
            while (!done.get()) {
                try {
                    Http.Response response = Http.get(port, "/");
                    if (response.status() == 200) {
                        served.incrementAndGet();
                        lastAnswer.put(LibraryCluster.Reply.parse(response.body()).pid(), System.nanoTime());
                    } else {
                        failures.add("GET / answered " + response.status() + ": " + response.body());
                    }
                } catch (IOException | AssertionError e) {
                    failures.add("GET / failed: " + e);
                }
                Await.pause(); // pacing: one request per poll interval
            }
        });
    }

    static LibraryLoad start(int port) {
        return new LibraryLoad(port);
    }

    /** Waits until every pid of {@code pids} has answered a request sent from now on. */
    void awaitAnswersFrom(Collection<Long> pids, Duration timeout) {
        long since = System.nanoTime();
        Await.until(timeout, () -> "answers from every worker of " + pids + ", failures " + failures,
                () -> pids.stream().allMatch(pid -> lastAnswer.getOrDefault(pid, since) - since > 0));
    }

    /** Stops; returns the failures (empty when every request got its 200) and fails if none was served. */
    List<String> stop() {
        close();
        if (served.get() == 0 && failures.isEmpty()) {
            throw new AssertionError("no request was served");
        }
        return List.copyOf(failures);
    }

    @Override
    public void close() {
        done.set(true);
        try {
            thread.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
