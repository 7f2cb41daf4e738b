import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A load generator whose connections come from many client addresses (127.0.0.2 and up), which
 * wrk cannot do: what sticky sessions need to be measured. CONNECTIONS threads, connection i from
 * address number i % CLIENTS, each sending GET / for SECONDS, keep-alive or a connection per
 * request; counts the answers per worker (the demo's "hello from worker N") and per client, and the
 * latency of every request. Prints one line of key=value.
 *
 *   java StickyLoad.java PORT SECONDS CONNECTIONS CLIENTS keepalive|close
 */
public final class StickyLoad {
    private static final Pattern WORKER = Pattern.compile("hello from worker (\\d+)");

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        long seconds = Long.parseLong(args[1]);
        int connections = Integer.parseInt(args[2]);
        int clients = Integer.parseInt(args[3]);
        boolean keepAlive = args[4].equals("keepalive");
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        Map<Integer, AtomicLong> perWorker = new ConcurrentHashMap<>();
        Map<String, Set<Integer>> workersOfClient = new ConcurrentHashMap<>();
        AtomicLong errors = new AtomicLong();
        List<long[]> latencies = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < connections; i++) {
            String client = "127.0.0." + (2 + i % clients);
            long[] mine = new long[200_000];
            latencies.add(mine);
            int index = i;
            threads.add(Thread.ofPlatform().name("load-" + i).start(() ->
                    run(port, client, keepAlive, end, mine, perWorker, workersOfClient, errors)));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double elapsed = (System.nanoTime() - started) / 1e9;
        long total = 0;
        for (long[] mine : latencies) {
            total += mine[mine.length - 1];
        }
        long[] all = new long[(int) total];
        int at = 0;
        for (long[] mine : latencies) {
            int n = (int) mine[mine.length - 1];
            System.arraycopy(mine, 0, all, at, n);
            at += n;
        }
        Arrays.sort(all);
        long steady = workersOfClient.values().stream().filter(set -> set.size() == 1).count();
        Map<Integer, Long> workers = new TreeMap<>();
        perWorker.forEach((worker, count) -> workers.put(worker, count.get()));
        System.out.printf("requests=%d rps=%.0f p50ms=%.2f p99ms=%.2f maxms=%.2f errors=%d perWorker=%s clientsOnOneWorker=%d/%d%n",
                total, total / elapsed, pct(all, 0.50), pct(all, 0.99), all.length == 0 ? 0 : all[all.length - 1] / 1e6,
                errors.get(), workers.values().stream().map(String::valueOf).reduce((a, b) -> a + "/" + b).orElse("-"),
                steady, workersOfClient.size());
    }

    private static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.floor(sorted.length * p))] / 1e6;
    }

    /** Requests until {@code end}; mine[last] counts them. */
    private static void run(int port, String client, boolean keepAlive, long end, long[] mine, Map<Integer, AtomicLong> perWorker,
                            Map<String, Set<Integer>> workersOfClient, AtomicLong errors) {
        byte[] request = ("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + (keepAlive ? "" : "Connection: close\r\n") + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        Set<Integer> seen = workersOfClient.computeIfAbsent(client, c -> ConcurrentHashMap.newKeySet());
        Socket socket = null;
        int n = 0;
        while (System.nanoTime() < end && n < mine.length - 1) {
            long t0 = System.nanoTime();
            try {
                if (socket == null) {
                    socket = new Socket();
                    socket.setTcpNoDelay(true);
                    socket.bind(new InetSocketAddress(InetAddress.getByName(client), 0));
                    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                    socket.setSoTimeout(10_000);
                }
                OutputStream out = socket.getOutputStream();
                out.write(request);
                Answer answer = read(socket.getInputStream());
                mine[n++] = System.nanoTime() - t0;
                Matcher worker = WORKER.matcher(answer.body);
                if (answer.status == 200 && worker.find()) {
                    int id = Integer.parseInt(worker.group(1));
                    perWorker.computeIfAbsent(id, w -> new AtomicLong()).incrementAndGet();
                    seen.add(id);
                } else {
                    errors.incrementAndGet();
                }
                if (!keepAlive || answer.close) {
                    socket.close();
                    socket = null;
                }
            } catch (IOException e) {
                errors.incrementAndGet();
                try {
                    if (socket != null) {
                        socket.close();
                    }
                } catch (IOException ignored) {
                    // gone already
                }
                socket = null;
            }
        }
        mine[mine.length - 1] = n;
        try {
            if (socket != null) {
                socket.close();
            }
        } catch (IOException ignored) {
            // gone already
        }
    }

    private record Answer(int status, String body, boolean close) { }

    /** One HTTP/1.1 response with a Content-Length. */
    private static Answer read(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before the answer");
            }
            head.write(b);
            last4 = (last4 << 8) | b;
            if (last4 == 0x0d0a0d0a) {
                break;
            }
        }
        String text = head.toString(StandardCharsets.US_ASCII);
        int status = Integer.parseInt(text.substring(9, 12));
        int length = 0;
        boolean close = false;
        for (String line : text.split("\r\n")) {
            String lower = line.toLowerCase();
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).strip());
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                close = true;
            }
        }
        byte[] body = in.readNBytes(length);
        return new Answer(status, new String(body, StandardCharsets.UTF_8), close);
    }
}
