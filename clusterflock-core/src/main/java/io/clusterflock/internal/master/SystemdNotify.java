package io.clusterflock.internal.master;

import io.clusterflock.ClusterEvent;
import io.clusterflock.internal.os.NativeException;
import io.clusterflock.internal.os.NotifySocket;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Tells systemd about the master when it runs as a {@code Type=notify} service: {@code READY=1}
 * once every first worker is ready (so {@code systemctl start} returns when the service serves),
 * {@code STOPPING=1} when it shuts down, and a {@code STATUS=} line along the way. Does nothing
 * when the master itself has no {@code NOTIFY_SOCKET}.
 */
final class SystemdNotify implements Consumer<ClusterEvent> {
    private final Path socket;
    private final int workers;
    private int ready;
    private boolean announced;

    private SystemdNotify(Path socket, int workers) {
        this.socket = socket;
        this.workers = workers;
    }

    /** A notifier for this master, or null when systemd is not listening (or uses an abstract socket). */
    static SystemdNotify fromEnvironment(int workers) {
        String path = System.getenv("NOTIFY_SOCKET");
        return path == null || path.isBlank() || path.startsWith("@") ? null : new SystemdNotify(Path.of(path), workers);
    }

    @Override
    public void accept(ClusterEvent event) {
        switch (event) {
            case ClusterEvent.Ready e -> {
                if (!announced && ++ready >= workers) {
                    announced = true;
                    send("READY=1\nSTATUS=serving with " + workers + " workers\nMAINPID=" + ProcessHandle.current().pid());
                }
            }
            case ClusterEvent.ReloadStarted e -> send("STATUS=reloading to generation " + e.generation());
            case ClusterEvent.ReloadFinished e -> send("STATUS=serving generation " + e.generation());
            case ClusterEvent.ReloadFailed e -> send("STATUS=serving generation " + e.serving() + "; reload to generation "
                    + e.generation() + " gave up: " + e.reason());
            case ClusterEvent.Shutdown e -> send("STOPPING=1\nSTATUS=" + (e.graceful() ? "draining" : "stopping"));
            default -> { }
        }
    }

    private void send(String message) {
        try {
            NotifySocket.send(socket, message);
        } catch (NativeException e) {
            System.getLogger("io.clusterflock").log(System.Logger.Level.DEBUG, "systemd notify failed: " + e.getMessage());
        }
    }
}
