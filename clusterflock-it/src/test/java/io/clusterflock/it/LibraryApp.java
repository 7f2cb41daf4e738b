package io.clusterflock.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.clusterflock.worker.Worker;
import io.clusterflock.jetty.Clusterflock;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A library-mode fixture program: {@code Clusterflock.serve} with a JDK {@link HttpHandler} (so the
 * jetty-http-spi path runs). Started normally it is the master; the master re-executes this very
 * command line for each worker.
 *
 * <p>Master side: every message from a worker is answered with {@code ack:<text>} to the sender;
 * a message {@code broadcast:<rest>} is also broadcast as {@code <rest>} to every worker.
 *
 * <p>Worker side, every body a few lines of text:
 * <ul>
 *   <li>{@code /} answers {@code worker <id> gen <generation> pid <pid>};</li>
 *   <li>{@code /sleep?ms=N} says {@code LibraryApp worker <id> pid <pid> handling /sleep?ms=N} on
 *       stderr, waits N ms, then answers as {@code /} does;</li>
 *   <li>{@code /jvm[?property=NAME]} answers the first line, then {@code maxMemory <bytes>},
 *       {@code property <value of NAME, by default cf.test>}, {@code args <program args, space-separated>},
 *       {@code jvm <the JVM's input arguments, space-separated>};</li>
 *   <li>{@code /send?text=T} sends T to the master ({@code Worker.send}) and answers the first line
 *       then {@code sent T};</li>
 *   <li>{@code /inbox} answers the first line, then every message this worker received, one a line.</li>
 *   <li>{@code /block[?pid=P]} (the hang tests) never answers: it says
 *       {@code LibraryApp worker <id> pid <pid> blocked <n> at <HH:mm:ss.SSS> in <thread>; pool <stats>} on stderr
 *       and waits on a latch that is never released, in {@code blockForever}, so a thread dump shows the
 *       thread there. Enough of them take every thread of Jetty's pool. With {@code pid=P} a worker of
 *       another pid answers 409 at once instead (a re-forked worker is not blocked by leftovers).</li>
 *   <li>{@code /leak?mb=N[&ms=T]} (the memory tests) allocates N MiB as 1 MiB byte arrays, every page
 *       written, and keeps them for good; with {@code ms=T} it spreads them over T ms, a slow leak.
 *       Answers the first line, then {@code leaked <MiB kept in all>}.</li>
 *   <li>{@code /free} drops what {@code /leak} kept and runs {@code System.gc()}; answers
 *       {@code leaked 0}.</li>
 *   <li>{@code /spike?mb=N&ms=T} takes N MiB off the heap (one malloc'd block, every page written),
 *       holds it T ms, then frees it: resident memory goes up by N MiB and back down at once (a
 *       block that large is its own mapping, which free unmaps). Answers {@code spiked N}.</li>
 * </ul>
 *
 * <p>Warm-up: a request with the header {@code X-Clusterflock-Warmup} (a {@code --warmup} request) is
 * counted; {@code /warmed} answers the first line, then {@code warmups <warm-up requests so far>},
 * {@code beforeFirst <warm-up requests when the first other request came>} and, with the program
 * argument {@code warmupHook} (an {@code onWarmup} hook that notes how many warm-up requests had
 * come when it ran), {@code hook <that count, or "never">}. {@code /boom} answers 500.
 *
 * <p>On shutdown ({@code Worker.onShutdown}) a worker says {@code LibraryApp worker <id> pid <pid> shut down}
 * on stdout.
 *
 * <p>Readiness, by program argument: {@code readyAfterMs=N} calls {@code Worker.ready()} N ms after
 * the worker starts; {@code neverReady} never calls it (nor does the absence of both).
 */
public final class LibraryApp {
    static final String DEFAULT_PROPERTY = "cf.test";
    /** What this worker received from its master, in order. */
    private static final List<String> INBOX = new CopyOnWriteArrayList<>();
    /** What /block waits on: never released. */
    private static final CountDownLatch NEVER = new CountDownLatch(1);
    private static final AtomicInteger BLOCKED = new AtomicInteger();
    /** What /leak keeps, 1 MiB arrays. */
    private static final List<byte[]> LEAKED = new ArrayList<>();
    private static final int MIB = 1 << 20;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    private static final AtomicInteger WARMUPS = new AtomicInteger();
    private static final AtomicInteger BEFORE_FIRST = new AtomicInteger(-1);
    private static final AtomicInteger AT_HOOK = new AtomicInteger(-1);

    private LibraryApp() {}

    public static void main(String[] args) {
        List<String> arguments = List.of(args);
        Worker.current().ifPresent(worker -> prepare(worker, arguments));
        Clusterflock.serve(new Handler(arguments), options -> options.onMessage(message -> {
            message.reply("ack:" + message.text());
            if (message.text().startsWith("broadcast:")) {
                message.broadcast(message.text().substring("broadcast:".length()));
            }
        }));
    }

    private static void prepare(Worker worker, List<String> arguments) {
        worker.onMessage(INBOX::add);
        long pid = ProcessHandle.current().pid();
        worker.onShutdown(() -> {
            System.out.println("LibraryApp worker " + worker.id() + " pid " + pid + " shut down");
            System.out.flush();
        });
        if (arguments.contains("warmupHook")) {
            worker.onWarmup(() -> AT_HOOK.set(WARMUPS.get()));
        }
        if (arguments.contains("neverReady")) {
            return;
        }
        for (String argument : arguments) {
            if (argument.startsWith("readyAfterMs=")) {
                long ms = Long.parseLong(argument.substring("readyAfterMs=".length()));
                Thread.ofPlatform().daemon().name("ready-later").start(() -> {
                    try {
                        Thread.sleep(ms); // the fixture's warm-up, on purpose
                    } catch (InterruptedException e) {
                        return;
                    }
                    worker.ready();
                });
            }
        }
    }

    private record Handler(List<String> arguments) implements HttpHandler {
        @Override
        public void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                Worker worker = Worker.current().orElseThrow();
                long pid = ProcessHandle.current().pid();
                String path = exchange.getRequestURI().getPath();
                Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
                StringBuilder body = new StringBuilder("worker " + worker.id() + " gen " + worker.generation()
                        + " pid " + pid);
                int status = 200;
                if (exchange.getRequestHeaders().containsKey("X-Clusterflock-Warmup")) {
                    WARMUPS.incrementAndGet();
                } else {
                    BEFORE_FIRST.compareAndSet(-1, WARMUPS.get());
                }
                switch (path) {
                    case "/" -> { }
                    case "/warmed" -> body.append("\nwarmups ").append(WARMUPS.get()).append("\nbeforeFirst ")
                            .append(BEFORE_FIRST.get()).append("\nhook ").append(AT_HOOK.get() < 0 ? "never" : AT_HOOK.get());
                    case "/boom" -> {
                        status = 500;
                        body.append("\nboom");
                    }
                    case "/sleep" -> {
                        long ms = Long.parseLong(query.getOrDefault("ms", "0"));
                        System.err.println("LibraryApp worker " + worker.id() + " pid " + pid + " handling /sleep?ms=" + ms);
                        System.err.flush();
                        try {
                            Thread.sleep(ms); // the slow request the test asked for
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    case "/jvm" -> body.append("\nmaxMemory ").append(Runtime.getRuntime().maxMemory())
                            .append("\nproperty ").append(System.getProperty(query.getOrDefault("property", DEFAULT_PROPERTY)))
                            .append("\nargs ").append(String.join(" ", arguments))
                            .append("\njvm ").append(String.join(" ",
                                    ManagementFactory.getRuntimeMXBean().getInputArguments()));
                    case "/send" -> {
                        String text = query.getOrDefault("text", "");
                        worker.send(text);
                        body.append("\nsent ").append(text);
                    }
                    case "/inbox" -> INBOX.forEach(message -> body.append('\n').append(message));
                    case "/block" -> {
                        if (query.containsKey("pid") && Long.parseLong(query.get("pid")) != pid) {
                            status = 409;
                            body.append("\nnot blocking: this is not pid ").append(query.get("pid"));
                        } else {
                            blockForever(exchange, worker.id(), pid);
                        }
                    }
                    case "/leak" -> body.append("\nleaked ").append(leak(Integer.parseInt(query.getOrDefault("mb", "1")),
                            Long.parseLong(query.getOrDefault("ms", "0"))));
                    case "/free" -> {
                        synchronized (LEAKED) {
                            LEAKED.clear();
                        }
                        System.gc();
                        body.append("\nleaked 0");
                    }
                    case "/spike" -> body.append("\nspiked ").append(spike(Integer.parseInt(query.getOrDefault("mb", "1")),
                            Long.parseLong(query.getOrDefault("ms", "0"))));
                    default -> {
                        status = 404;
                        body.append("\nno such path ").append(path);
                    }
                }
                byte[] bytes = body.append('\n').toString().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
                exchange.sendResponseHeaders(status, bytes.length);
                exchange.getResponseBody().write(bytes);
            }
        }

        /** /block: says so on stderr, then waits for good; a thread dump shows the thread in here. */
        private static void blockForever(HttpExchange exchange, int id, long pid) {
            int n = BLOCKED.incrementAndGet();
            System.err.println("LibraryApp worker " + id + " pid " + pid + " blocked " + n + " at "
                    + LocalTime.now().format(TIME) + " in " + Thread.currentThread().getName() + "; pool " + pool(exchange));
            System.err.flush();
            while (true) {
                try {
                    NEVER.await();
                } catch (InterruptedException e) {
                    // a hung request stays hung
                }
            }
        }

        /**
         * The thread counts of the worker's Jetty pool, for the record (jetty-http-spi's server keeps
         * its Jetty Server in a protected getter): {@code threads=T idle=I busy=B queue=Q max=M reserved=R}.
         */
        private static String pool(HttpExchange exchange) {
            try {
                Object spi = exchange.getHttpContext().getServer();
                Method getServer = spi.getClass().getDeclaredMethod("getServer");
                getServer.setAccessible(true);
                Object server = getServer.invoke(spi);
                Object pool = server.getClass().getMethod("getThreadPool").invoke(server);
                StringBuilder stats = new StringBuilder();
                for (String[] stat : new String[][] {{"threads", "Threads"}, {"idle", "IdleThreads"},
                        {"busy", "BusyThreads"}, {"queue", "QueueSize"}, {"max", "MaxThreads"},
                        {"reserved", "AvailableReservedThreads"}}) {
                    stats.append(stats.isEmpty() ? "" : " ").append(stat[0]).append('=')
                            .append(pool.getClass().getMethod("get" + stat[1]).invoke(pool));
                }
                return stats.toString();
            } catch (ReflectiveOperationException | RuntimeException e) {
                return "? (" + e + ")";
            }
        }

        /** /leak: N MiB more kept for good, every page written; spread over {@code ms} when it is above 0. */
        private static long leak(int mb, long ms) {
            long start = System.nanoTime();
            for (int i = 0; i < mb; i++) {
                byte[] chunk = new byte[MIB];
                for (int page = 0; page < MIB; page += 4096) {
                    chunk[page] = 1;
                }
                synchronized (LEAKED) {
                    LEAKED.add(chunk);
                }
                long due = start + ms * 1_000_000L * (i + 1) / mb;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    try {
                        Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L)); // the leak's pace, as asked
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
            synchronized (LEAKED) {
                return LEAKED.size();
            }
        }

        /** /spike: N MiB off the heap for {@code ms}, every page written, then freed. */
        private static int spike(int mb, long ms) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment block = arena.allocate((long) mb * MIB, 4096);
                block.fill((byte) 1);
                Thread.sleep(ms); // the spike's length, as asked
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return mb;
        }

        private static Map<String, String> query(String raw) {
            Map<String, String> query = new LinkedHashMap<>();
            if (raw != null) {
                for (String pair : raw.split("&")) {
                    int equals = pair.indexOf('=');
                    String name = equals < 0 ? pair : pair.substring(0, equals);
                    String value = equals < 0 ? "" : pair.substring(equals + 1);
                    query.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
                }
            }
            return query;
        }
    }
}
