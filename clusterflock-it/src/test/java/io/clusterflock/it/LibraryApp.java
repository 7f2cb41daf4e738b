package io.clusterflock.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.clusterflock.Worker;
import io.clusterflock.jetty.Clusterflock;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

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
 * </ul>
 *
 * <p>Readiness, by program argument: {@code readyAfterMs=N} calls {@code Worker.ready()} N ms after
 * the worker starts; {@code neverReady} never calls it (nor does the absence of both).
 */
public final class LibraryApp {
    static final String DEFAULT_PROPERTY = "cf.test";
    /** What this worker received from its master, in order. */
    private static final List<String> INBOX = new CopyOnWriteArrayList<>();

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
                switch (path) {
                    case "/" -> { }
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
