package io.clusterflock.internal.control;

import io.clusterflock.control.ControlException;

import io.clusterflock.internal.net.AcceptLoop;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

/**
 * The master's control socket (SPEC §5): a Unix stream socket, mode 0600 in a directory of mode
 * 0700 (see {@link ControlPaths}), so only the master's user reaches it. A client writes one
 * command line and reads the answer until the master closes the connection.
 *
 * <p>{@link #bind} claims the cluster's name and binds, before the master listens on its port, so
 * that a second master of the same name is refused first; {@link #serve} starts answering once the
 * master exists (clients that connect in between wait in the backlog). An {@link AcceptLoop}
 * serves each connection on its own virtual thread, at most {@link #MAX_CONNECTIONS} at once
 * (more are told to try again), each within deadlines, so no client, and no number of clients,
 * can hold up or exhaust the master.
 */
public final class ControlServer implements AutoCloseable {
    static final int MAX_CONNECTIONS = 64;
    /** Clients beyond MAX_CONNECTIONS that are being told to come back; beyond both, a client is just closed. */
    static final int MAX_TURNED_AWAY = 256;
    /** How long a stopping master waits for the answers still being written. */
    static final Duration CLOSE_GRACE = Duration.ofSeconds(1);
    /** How long a client has to send its command line. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
    private static final int BACKLOG = 256;

    private final ControlPaths paths;
    private final NameClaim claim;
    private final AcceptLoop loop;
    private final Duration readTimeout;

    private ControlServer(ControlPaths paths, NameClaim claim, ServerSocketChannel server, Duration readTimeout) {
        this.paths = paths;
        this.claim = claim;
        this.loop = AcceptLoop.on(server, "control socket", MAX_CONNECTIONS, new AcceptLoop.WhenFull.TurnAway(
                MAX_TURNED_AWAY, connection -> new ControlConnection(connection.channel()).turnAway()));
        this.readTimeout = readTimeout;
    }

    /**
     * Claims {@code name} for the master {@code pid} and binds its control socket; a socket left by
     * a master that died is replaced.
     *
     * @throws ControlException when a master of that name runs, or the socket cannot be made
     */
    public static ControlServer bind(String name, long pid) {
        return bind(name, ControlPaths.of(name), pid, READ_TIMEOUT);
    }

    static ControlServer bind(String name, ControlPaths paths, long pid, Duration readTimeout) {
        NameClaim claim = NameClaim.claim(name, paths, pid);
        try {
            Files.deleteIfExists(paths.socket()); // ours to replace: we hold the name
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                server.bind(UnixDomainSocketAddress.of(paths.socket()), BACKLOG);
                Files.setPosixFilePermissions(paths.socket(), PosixFilePermissions.fromString("rw-------"));
            } catch (IOException | RuntimeException e) {
                server.close();
                throw e;
            }
            return new ControlServer(paths, claim, server, readTimeout);
        } catch (IOException | RuntimeException e) {
            claim.close();
            throw new ControlException("cannot create the control socket " + paths.socket() + ": " + e.getMessage(), e);
        }
    }

    public Path path() {
        return paths.socket();
    }

    /** Starts answering clients about {@code master}. */
    public void serve(ControlledMaster master) {
        CommandHandler handler = new CommandHandler(master);
        loop.start(connection -> new ControlConnection(connection.channel()).answer(handler, readTimeout));
    }

    /**
     * Stops accepting, lets the clients being answered finish (for {@link #CLOSE_GRACE} at most:
     * {@code stop} says "stopped" just now; those still open then are closed), and removes the
     * socket, the pid file and the directories left empty.
     */
    @Override
    public void close() {
        try {
            // First: a client from now on finds no socket, rather than one that refuses it.
            Files.deleteIfExists(paths.socket());
        } catch (IOException e) {
            // the next master of this name replaces it
        } finally {
            loop.close(CLOSE_GRACE);
            claim.close();
        }
    }
}
