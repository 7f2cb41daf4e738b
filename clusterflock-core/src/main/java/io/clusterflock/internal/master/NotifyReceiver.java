package io.clusterflock.internal.master;

import io.clusterflock.internal.net.RetryBackoff;
import io.clusterflock.internal.os.NativeException;
import io.clusterflock.internal.os.NotifySocket;
import io.clusterflock.internal.supervisor.Input;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Takes sd_notify datagrams from workers on {@code NOTIFY_SOCKET}, the systemd convention any
 * program can use ({@code sd_notify(3)}, {@code systemd-notify}, a few lines of Python):
 * {@code READY=1} makes a worker ready, {@code STATUS=} shows in the log. The sender is known by
 * its credentials (SO_PASSCRED); a datagram from a worker's child counts for that worker, one from
 * any other process is ignored. Which worker sent it is settled by the supervisor, which knows every
 * worker the moment it is spawned: a {@code READY=1} sent the instant a worker starts (or the
 * program it exec'd into, which keeps its pid) is never lost to a snapshot that has not caught up.
 * Here the sender's ancestry is read at once, while the sender (often a short-lived
 * {@code systemd-notify}) still lives.
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
    private final Consumer<Input> sink;
    private final RetryBackoff backoff = RetryBackoff.of("receiving on the notify socket");
    private final Thread receiver;

    private NotifyReceiver(NotifySocket socket, Consumer<Input> sink) {
        this.socket = socket;
        this.sink = sink;
        this.receiver = Thread.ofPlatform().daemon().name("clusterflock-notify").unstarted(this::receiveLoop);
    }

    static NotifyReceiver start(Path directory, Consumer<Input> sink) {
        NotifyReceiver receiver = new NotifyReceiver(NotifySocket.open(directory.resolve("notify.sock")), sink);
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
                sink.accept(new Input.Notified(ancestry(datagram.pid()), datagram.text().lines().toList()));
            }
        } catch (NotifySocket.ClosedException | InterruptedException e) {
            // the master is stopping
        }
    }

    /** The sender, then its parent and so on: which of them is a worker is the supervisor's to say. */
    private static List<Long> ancestry(long sender) {
        List<Long> chain = new ArrayList<>(List.of(sender));
        Optional<ProcessHandle> process = ProcessHandle.of(sender).flatMap(ProcessHandle::parent);
        for (int depth = 1; depth <= MAX_DEPTH && process.isPresent(); depth++) {
            chain.add(process.get().pid());
            process = process.get().parent();
        }
        return List.copyOf(chain);
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
