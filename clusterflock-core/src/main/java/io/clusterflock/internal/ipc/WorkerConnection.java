package io.clusterflock.internal.ipc;

import io.clusterflock.internal.supervisor.Input;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;

/**
 * One authenticated worker's channel, master side. Reads run on the caller's (virtual) thread;
 * writes go through a bounded queue drained by a writer thread, so a worker that stops reading can
 * never block the supervisor.
 */
final class WorkerConnection {
    private static final System.Logger LOG = System.getLogger("io.clusterflock");
    private static final int QUEUE = 1024;
    private static final String CLOSE = "\0close";

    private final long pid;
    private final SocketChannel channel;
    private final BlockingQueue<String> outgoing = new ArrayBlockingQueue<>(QUEUE);

    WorkerConnection(long pid, SocketChannel channel) {
        this.pid = pid;
        this.channel = channel;
        Thread.ofVirtual().name("clusterflock-ipc-writer-" + pid).start(this::writeLoop);
    }

    /** Reads reports until the worker goes away; each becomes an {@link Input}. */
    void readLoop(Consumer<Input> sink) {
        try {
            while (true) {
                try {
                    handle(Frames.read(channel, Frames.MAX_FRAME), sink);
                } catch (Frames.BadFrame e) {
                    complain(e.getMessage());
                    if (!e.skipped) {
                        return;
                    }
                }
            }
        } catch (EOFException e) {
            // the worker exited or closed its end: nothing to say
        } catch (IOException e) {
            if (channel.isOpen()) {
                LOG.log(System.Logger.Level.DEBUG, "worker channel of pid " + pid + " failed: " + e.getMessage());
            }
        } finally {
            close();
        }
    }

    private void handle(String frame, Consumer<Input> sink) {
        int space = frame.indexOf(' ');
        String verb = space < 0 ? frame : frame.substring(0, space);
        String argument = space < 0 ? "" : frame.substring(space + 1);
        switch (verb) {
            case "listening" -> sink.accept(new Input.WorkerListening(pid));
            case "ready" -> sink.accept(new Input.WorkerReady(pid));
            case "msg" -> sink.accept(new Input.WorkerMessage(pid, argument));
            case "status" -> sink.accept(new Input.WorkerStatus(pid, argument));
            case "heartbeat" -> heartbeat(argument, sink);
            default -> complain("an unknown request '" + abbreviate(verb) + "'; ignored");
        }
    }

    /** {@code heartbeat} or {@code heartbeat <requests served>}. */
    private void heartbeat(String argument, Consumer<Input> sink) {
        try {
            sink.accept(new Input.WorkerHeartbeat(pid, argument.isEmpty() ? -1 : Long.parseLong(argument)));
        } catch (NumberFormatException e) {
            complain("a heartbeat with a request count that is not a number ('" + abbreviate(argument) + "'); ignored");
        }
    }

    private void complain(String problem) {
        LOG.log(System.Logger.Level.WARNING, "worker channel: pid " + pid + " sent " + problem);
        send("error " + problem);
    }

    /** At most 40 characters, control characters shown as '?': a peer's bytes must not forge log lines. */
    private static String abbreviate(String text) {
        String shown = text.length() <= 40 ? text : text.substring(0, 40) + "…";
        return shown.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }

    /** Queues a frame; false when the worker is not keeping up (it is then dropped, and said so). */
    boolean send(String frame) {
        if (outgoing.offer(frame)) {
            return true;
        }
        LOG.log(System.Logger.Level.WARNING, "worker channel: pid " + pid + " is not reading its messages; one dropped");
        return false;
    }

    private void writeLoop() {
        try {
            for (String frame = outgoing.take(); !frame.equals(CLOSE); frame = outgoing.take()) {
                Frames.write(channel, frame);
            }
        } catch (IOException | InterruptedException e) {
            // closed under us: the reader reports the end
        }
    }

    void close() {
        outgoing.clear();
        outgoing.offer(CLOSE);
        IpcServer.closeQuietly(channel);
    }
}
