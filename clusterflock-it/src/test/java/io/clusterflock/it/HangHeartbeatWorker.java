package io.clusterflock.it;

import io.clusterflock.worker.Worker;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A command-mode fixture worker for the hang tests: the JDK and {@link Worker} (from the clusterflock
 * jar on its class path), nothing else. One acceptor thread hands connections to one request loop
 * (the thread {@code request-loop}), which serves them one at a time and calls
 * {@link Worker#heartbeat} every {@link Worker#heartbeatInterval()} between them: the beat comes from
 * the code that serves, so when the loop is stuck the beat stops.
 *
 * <p>{@code GET /} answers {@code hang-worker <id> pid <pid>}. {@code GET /deadlock} makes the request
 * loop deadlock with a second thread ({@code deadlock-partner}) over two monitors, for good, after
 * saying {@code hang-worker <id> pid <pid> deadlocking at <HH:mm:ss.SSS>} on stderr; a thread dump
 * then reports a Java-level deadlock. It says {@code hang-worker <id> pid <pid> beating every <ms> ms}
 * on stderr once it serves.
 */
public final class HangHeartbeatWorker {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    private static final int MAX_HEAD = 64 * 1024;

    private final Worker worker = Worker.current().orElseThrow();
    private final long pid = ProcessHandle.current().pid();
    private final BlockingQueue<SocketChannel> accepted = new LinkedBlockingQueue<>();
    private long served;

    private HangHeartbeatWorker() {}

    public static void main(String[] args) throws InterruptedException {
        new HangHeartbeatWorker().run();
    }

    private void run() throws InterruptedException {
        ServerSocketChannel server = worker.channel();
        Thread.ofPlatform().daemon().name("acceptor").start(() -> {
            while (true) {
                try {
                    accepted.add(server.accept()); // blocking: the socket is shared and must stay so
                } catch (IOException e) {
                    return;
                }
            }
        });
        Thread.currentThread().setName("request-loop");
        long interval = worker.heartbeatInterval().toNanos();
        say("beating every " + worker.heartbeatInterval().toMillis() + " ms");
        long nextBeat = System.nanoTime();
        while (true) {
            if (System.nanoTime() - nextBeat >= 0) {
                worker.heartbeat(served);
                nextBeat = System.nanoTime() + interval;
            }
            SocketChannel connection = accepted.poll(Math.max(0, nextBeat - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (connection != null) {
                serve(connection);
                served++;
            }
        }
    }

    private void serve(SocketChannel connection) {
        try (connection) {
            connection.socket().setSoTimeout(10_000);
            String head = readHead(connection.socket().getInputStream());
            String[] requestLine = head.split("\r\n", 2)[0].split(" ");
            String path = requestLine.length > 1 ? requestLine[1] : "/";
            if (path.equals("/deadlock")) {
                say("deadlocking at " + LocalTime.now().format(TIME));
                deadlock();
            }
            byte[] body = ("hang-worker " + worker.id() + " pid " + pid + "\n").getBytes(StandardCharsets.UTF_8);
            byte[] headers = ("HTTP/1.0 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
                    + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            ByteBuffer answer = ByteBuffer.allocate(headers.length + body.length).put(headers).put(body).flip();
            while (answer.hasRemaining()) {
                connection.write(answer);
            }
        } catch (IOException e) {
            // the client went away; nothing to answer
        }
    }

    /** Takes monitor {@code a} then {@code b} while {@code deadlock-partner} takes {@code b} then {@code a}: never returns. */
    private static void deadlock() {
        Object a = new Object();
        Object b = new Object();
        CountDownLatch bothHoldOne = new CountDownLatch(2);
        Thread.ofPlatform().daemon().name("deadlock-partner").start(() -> {
            synchronized (b) {
                arrive(bothHoldOne);
                synchronized (a) {
                    throw new AssertionError("unreachable: the request loop holds a");
                }
            }
        });
        synchronized (a) {
            arrive(bothHoldOne);
            synchronized (b) {
                throw new AssertionError("unreachable: deadlock-partner holds b");
            }
        }
    }

    private static void arrive(CountDownLatch latch) {
        latch.countDown();
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void say(String what) {
        System.err.println("hang-worker " + worker.id() + " pid " + pid + " " + what);
        System.err.flush();
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
}
