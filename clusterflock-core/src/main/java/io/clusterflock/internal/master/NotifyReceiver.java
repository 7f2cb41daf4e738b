package io.clusterflock.internal.master;

import io.clusterflock.WorkerInfo;
import io.clusterflock.internal.net.RetryBackoff;
import io.clusterflock.internal.os.NativeException;
import io.clusterflock.internal.os.NotifySocket;
import io.clusterflock.internal.supervisor.Input;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Takes sd_notify datagrams from workers on {@code NOTIFY_SOCKET}, the systemd convention any
 * program can use ({@code sd_notify(3)}, {@code systemd-notify}, a few lines of Python):
 * {@code READY=1} drives readyWhen=ready, {@code STATUS=} shows in the log. The sender is known by
 * its credentials (SO_PASSCRED); a datagram from a worker's child counts for that worker, one from
 * any other process is ignored.
 *
 * <p>One platform thread receives (recvmsg blocks in native code). A datagram socket has no
 * accept and no connections, so of the {@link io.clusterflock.internal.net.AcceptLoop} only the
 * pacing applies: a failing receive is retried after a {@link RetryBackoff} pause, never in a
 * spin, and {@link #close} ends the thread.
 */
final class NotifyReceiver implements AutoCloseable {
    /** How far up the process tree a sender may be from its worker (a shell wrapper, a helper). */
    private static final int MAX_DEPTH = 4;
    /** How long close() waits for the receiving thread, which the socket's shutdown wakes at once. */
    private static final Duration RECEIVER_EXIT = Duration.ofSeconds(5);

    private final NotifySocket socket;
    private final Supplier<List<WorkerInfo>> workers;
    private final Consumer<Input> sink;
    private final RetryBackoff backoff = RetryBackoff.of("receiving on the notify socket");
    private final Thread receiver;

    private NotifyReceiver(NotifySocket socket, Supplier<List<WorkerInfo>> workers, Consumer<Input> sink) {
        this.socket = socket;
        this.workers = workers;
        this.sink = sink;
        this.receiver = Thread.ofPlatform().daemon().name("clusterflock-notify").unstarted(this::receiveLoop);
    }

    static NotifyReceiver start(Path directory, Supplier<List<WorkerInfo>> workers, Consumer<Input> sink) {
        NotifyReceiver receiver = new NotifyReceiver(NotifySocket.open(directory.resolve("notify.sock")), workers, sink);
        receiver.receiver.start();
        return receiver;
    }

    Path path() {
        return socket.path();
    }

    private void receiveLoop() {
        try {
            while (true) {
                NotifySocket.Datagram datagram;
                try {
                    datagram = socket.receive();
                    backoff.succeeded();
                } catch (NativeException e) {
                    backoff.failed(e); // out of memory for the datagram, say: senders block meanwhile
                    continue;
                }
                workerOf(datagram.pid()).ifPresent(pid -> datagram.text().lines().forEach(line -> handle(pid, line)));
            }
        } catch (NotifySocket.ClosedException | InterruptedException e) {
            // the master is stopping
        }
    }

    private void handle(long pid, String line) {
        if (line.equals("READY=1")) {
            sink.accept(new Input.WorkerReady(pid));
        } else if (line.equals("WATCHDOG=1")) {
            sink.accept(new Input.WorkerHeartbeat(pid, -1));
        } else if (line.startsWith("STATUS=")) {
            sink.accept(new Input.WorkerStatus(pid, line.substring("STATUS=".length())));
        }
        // STOPPING=1, BARRIER=1, MAINPID=…: nothing to do for them here.
    }

    /** The worker that sent a datagram: the sender itself, or the nearest worker above it. */
    private Optional<Long> workerOf(long sender) {
        List<WorkerInfo> known = workers.get();
        Optional<ProcessHandle> process = ProcessHandle.of(sender);
        for (int depth = 0; depth <= MAX_DEPTH && process.isPresent(); depth++) {
            long pid = process.get().pid();
            if (known.stream().anyMatch(w -> w.pid() == pid)) {
                return Optional.of(pid);
            }
            process = process.get().parent();
        }
        return known.stream().map(WorkerInfo::pid).filter(pid -> pid == sender).findFirst();
    }

    /** Stops receiving: the socket's shutdown wakes the receiving thread, an interrupt its pause. */
    @Override
    public void close() {
        socket.close();
        receiver.interrupt();
        try {
            receiver.join(RECEIVER_EXIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
