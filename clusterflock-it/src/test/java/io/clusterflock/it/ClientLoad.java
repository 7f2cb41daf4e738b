package io.clusterflock.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * Load from the JDK's HTTP client, for what wrk cannot speak: HTTP/2, with several streams at a
 * time on each client's one connection. {@code clients} clients each run {@code streams} virtual
 * threads that send GET / one after the other until stopped; a request that fails (an exception,
 * or a status other than 200) is counted and its reason kept. The client follows a GOAWAY as
 * RFC 9113 says: no new stream there, the next requests on a new connection.
 */
final class ClientLoad implements AutoCloseable {
    private static final Pattern PID = Pattern.compile("\\(pid (\\d+)\\)");
    private final List<HttpClient> clients = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Map<String, Long> failures = new ConcurrentHashMap<>();
    private final Set<HttpClient.Version> versions = ConcurrentHashMap.newKeySet();
    private final Set<Long> pids = ConcurrentHashMap.newKeySet();
    private volatile boolean stopped;

    /** Starts the load on {@code uri} ({@code https://} with {@code tls}, else {@code http://}, where HTTP/2 is h2c by upgrade). */
    static ClientLoad start(URI uri, SSLContext tls, int clients, int streams) {
        ClientLoad load = new ClientLoad();
        for (int c = 0; c < clients; c++) {
            HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                    .connectTimeout(Duration.ofSeconds(10));
            if (tls != null) {
                builder.sslContext(tls);
            }
            HttpClient client = builder.build();
            load.clients.add(client);
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).build();
            for (int s = 0; s < streams; s++) {
                load.threads.add(Thread.ofVirtual().start(() -> load.loop(client, request)));
            }
        }
        return load;
    }

    private void loop(HttpClient client, HttpRequest request) {
        while (!stopped) {
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                versions.add(response.version());
                if (response.statusCode() == 200) {
                    ok.incrementAndGet();
                    Matcher pid = PID.matcher(response.body());
                    if (pid.find()) {
                        pids.add(Long.parseLong(pid.group(1)));
                    }
                } else {
                    fail("status " + response.statusCode());
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (!stopped) {
                    fail(e.toString());
                }
            }
        }
    }

    private void fail(String reason) {
        failed.incrementAndGet();
        failures.merge(reason, 1L, Long::sum);
    }

    long ok() {
        return ok.get();
    }

    long failed() {
        return failed.get();
    }

    Set<HttpClient.Version> versions() {
        return versions;
    }

    /** The worker pids that answered (from the demo's "hello from worker N (pid P)"). */
    Set<Long> pids() {
        return pids;
    }

    /** Stops and waits for the requests under way. */
    @Override
    public void close() {
        stopped = true;
        for (Thread thread : threads) {
            try {
                thread.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        clients.forEach(HttpClient::close);
    }

    @Override
    public String toString() {
        return ok + " ok, " + failed + " failed " + failures + ", versions " + versions;
    }
}
