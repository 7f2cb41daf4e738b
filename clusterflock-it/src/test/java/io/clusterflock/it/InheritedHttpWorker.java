package io.clusterflock.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import sun.misc.Signal;

/**
 * A fixture worker with nothing but the JDK: serves HTTP on {@link System#inheritedChannel()} with a
 * blocking accept on a platform thread and a thread per connection. Every answer is
 * {@code worker <id> pid <pid>}; {@code GET /sleep?ms=N} waits N ms first.
 *
 * <p>On SIGTERM it stops accepting and lets in-flight requests finish (up to 30 s), so a graceful
 * stop drains. With {@code --ignore-term} it ignores SIGTERM, like a hung worker.
 *
 * <p>It writes on stderr (the master's, so the tests see it) {@code worker <id> pid <pid> accepting}
 * once it serves, and {@code worker <id> pid <pid> handling <path>} when a request arrives.
 */
public final class InheritedHttpWorker {
    private static final Pattern SLEEP = Pattern.compile("^/sleep\\?ms=(\\d+)");
    private static final int MAX_HEAD = 64 * 1024;

    private final ServerSocketChannel server;
    private final String id = System.getenv("CLUSTERFLOCK_WORKER_ID");
    private final long pid = ProcessHandle.current().pid();
    private final AtomicInteger inFlight = new AtomicInteger();

    private InheritedHttpWorker(ServerSocketChannel server) {
        this.server = server;
    }

    /** The line a worker writes once it accepts: {@code worker <id> pid <pid> accepting}. */
    static Pattern accepting(long pid) {
        return Pattern.compile("worker (\\d+) pid " + pid + " accepting$");
    }

    /** Any worker's "accepting" line; group 1 is the id, group 2 the pid. */
    static final Pattern ACCEPTING = Pattern.compile("worker (\\d+) pid (\\d+) accepting$");
    /** An answer body; group 1 is the id, group 2 the pid. */
    static final Pattern ANSWER = Pattern.compile("^worker (\\d+) pid (\\d+)$");

    public static void main(String[] args) throws Exception {
        Channel inherited = System.inheritedChannel();
        if (!(inherited instanceof ServerSocketChannel server)) {
            System.err.println("InheritedHttpWorker: fd 0 is not a listening socket but " + inherited);
            System.exit(4);
            return;
        }
        InheritedHttpWorker worker = new InheritedHttpWorker(server);
        Thread acceptor = Thread.ofPlatform().name("acceptor").unstarted(worker::acceptLoop);
        if (List.of(args).contains("--ignore-term")) {
            Signal.handle(new Signal("TERM"), signal -> worker.say("ignoring SIGTERM"));
        }
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> worker.drain(acceptor)));
        acceptor.start();
        worker.say("accepting");
    }

    private void say(String what) {
        System.err.println("worker " + id + " pid " + pid + " " + what);
        System.err.flush();
    }

    private void acceptLoop() {
        while (true) {
            SocketChannel connection;
            try {
                connection = server.accept(); // blocking: the socket is shared and must stay so
            } catch (ClosedChannelException e) {
                return; // draining
            } catch (IOException e) {
                say("accept failed: " + e);
                return;
            }
            inFlight.incrementAndGet();
            Thread.ofPlatform().daemon().name("connection").start(() -> serve(connection));
        }
    }

    private void serve(SocketChannel connection) {
        try (connection) {
            connection.socket().setSoTimeout(10_000);
            String head = readHead(connection.socket().getInputStream());
            String[] requestLine = head.split("\r\n", 2)[0].split(" ");
            String path = requestLine.length > 1 ? requestLine[1] : "/";
            say("handling " + path);
            Matcher sleep = SLEEP.matcher(path);
            if (sleep.find()) {
                Thread.sleep(Long.parseLong(sleep.group(1)));
            }
            byte[] body = ("worker " + id + " pid " + pid).getBytes(StandardCharsets.UTF_8);
            byte[] headers = ("HTTP/1.0 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
                    + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            ByteBuffer answer = ByteBuffer.allocate(headers.length + body.length).put(headers).put(body).flip();
            while (answer.hasRemaining()) {
                connection.write(answer);
            }
        } catch (IOException | InterruptedException e) {
            // the client went away; nothing to answer
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
            int b = in.read();
            if (b < 0 || head.size() > MAX_HEAD) {
                throw new IOException("incomplete request head");
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** The shutdown hook: stop accepting, then let in-flight requests finish, for up to 30 s. */
    private void drain(Thread acceptor) {
        say("draining");
        try {
            server.close(); // note: the JDK then points fds 0-2 at /dev/null; nothing is said after this
            acceptor.join(5_000);
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (inFlight.get() > 0 && System.nanoTime() - deadline < 0) {
                Thread.sleep(20);
            }
        } catch (IOException | InterruptedException e) {
            // exiting anyway
        }
    }
}
