package io.clusterflock.it;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One WebSocket to examples/websocket's {@code /socket} through the JDK's client
 * ({@code java.net.http.WebSocket}), with what the server said: its greeting (who answered), the
 * text messages after it, and how the socket ended: a close status, or an error. The JDK's client
 * reports a connection that ended without a close frame as a close with status 1006, or as an
 * error ({@code onError}).
 */
final class SocketClient implements WebSocket.Listener, AutoCloseable {
    /** The example's first message on every socket. */
    private static final Pattern GREETING = Pattern.compile("^worker (\\d+) generation (\\d+) pid (\\d+)$");
    static final Duration ANSWER = Duration.ofSeconds(20);

    /** Who answered: the worker's slot, generation and pid. */
    record Greeting(int slot, int generation, long pid) {}

    private final HttpClient http;
    private final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final CompletableFuture<Throwable> failed = new CompletableFuture<>();
    private WebSocket socket;
    private Greeting greeting;

    private SocketClient(HttpClient http) {
        this.http = http;
    }

    /** Opens a socket to {@code port} from any address; waits for the greeting. */
    static SocketClient open(int port) {
        return open(port, Optional.empty());
    }

    /** Opens a socket to {@code port} from the loopback address {@code from} (127.0.0.N); waits for the greeting. */
    static SocketClient open(int port, Optional<String> from) {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(ANSWER);
        from.ifPresent(address -> builder.localAddress(InetAddress.ofLiteral(address)));
        SocketClient client = new SocketClient(builder.build());
        try {
            client.socket = client.http.newWebSocketBuilder()
                    .buildAsync(URI.create("ws://" + Http.HOST + ":" + port + "/socket"), client)
                    .get(ANSWER.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            client.close();
            throw new AssertionError("no WebSocket to port " + port + from.map(a -> " from " + a).orElse("") + ": " + e, e);
        }
        String first = client.next();
        Matcher m = GREETING.matcher(first);
        if (!m.matches()) {
            throw new AssertionError("not the example's greeting: '" + first + "'");
        }
        client.greeting = new Greeting(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Long.parseLong(m.group(3)));
        return client;
    }

    Greeting greeting() {
        return greeting;
    }

    /** Sends {@code text} and returns the answer; fails if the socket ends first. */
    String ask(String text) {
        try {
            socket.sendText(text, true).get(ANSWER.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError("cannot send '" + text + "' to " + greeting + ": " + e + "; " + end(), e);
        }
        return next();
    }

    /**
     * Asks and asks, one message per poll interval, until the socket ends; returns how many answers
     * came. Every answer must echo its question; the end must be a close frame (see {@link #closeStatus}).
     */
    int askUntilClosed() {
        int answers = 0;
        while (!ended()) {
            String question = "n" + answers;
            if (socket.sendText(question, true).handle((ws, e) -> e == null).join()) {
                Optional<String> answer = Await.value(ANSWER, () -> "an answer to " + question + " or an end; " + end(),
                        () -> {
                            String text = texts.poll();
                            return text != null ? Optional.of(text) : ended() ? Optional.<String>empty() : null;
                        });
                if (answer.isEmpty()) {
                    break; // the socket ended before the answer came
                }
                if (!answer.get().equals("echo " + question)) {
                    throw new AssertionError("'" + answer.get() + "' answered '" + question + "'");
                }
                answers++;
            }
            Await.pause(); // pacing: busy, but never idle for long
        }
        return answers;
    }

    /** The status of the close frame that ended the socket; fails if it ended with an error or did not end in time. */
    int closeStatus(Duration timeout) {
        Await.until(timeout, () -> "the end of the socket to " + greeting, this::ended);
        if (failed.isDone()) {
            throw new AssertionError("the socket to " + greeting + " ended without a close frame: " + failed.join(),
                    failed.join());
        }
        return closed.join();
    }

    private boolean ended() {
        return closed.isDone() || failed.isDone();
    }

    private String end() {
        return closed.isDone() ? "closed " + closed.join() : failed.isDone() ? "failed: " + failed.join() : "still open";
    }

    private String next() {
        try {
            String text = texts.poll(ANSWER.toMillis(), TimeUnit.MILLISECONDS);
            if (text == null) {
                throw new AssertionError("no message within " + ANSWER.toMillis() + " ms from " + greeting + "; " + end());
            }
            return text;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            texts.add(partial.toString());
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode);
        return null; // the client answers the close frame with its own
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        failed.complete(error);
    }

    /** Drops the socket, if still open, and the client. */
    @Override
    public void close() {
        if (socket != null && !ended()) {
            socket.abort();
        }
        http.shutdownNow();
    }
}
