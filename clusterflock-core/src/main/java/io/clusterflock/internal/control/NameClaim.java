package io.clusterflock.internal.control;

import io.clusterflock.control.ControlException;

import io.clusterflock.internal.os.LockFile;
import io.clusterflock.internal.os.NativeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A master's hold on its cluster name: the private directories, and {@code master.pid} locked for
 * as long as the master runs. A second master of the same name finds the lock taken and is refused
 * with the first one's pid; a lock left by a master that died is free again (the kernel drops it),
 * and so is whatever that master left behind. When it lets go, the claim removes its files and the
 * directories that are then empty.
 */
final class NameClaim implements AutoCloseable {
    /** Attempts when a directory vanishes under us: another master of this user just removed it, empty. */
    private static final int ATTEMPTS = 5;
    private static final int ENOENT = 2;

    private final ControlPaths paths;
    private final LockFile lock;

    private NameClaim(ControlPaths paths, LockFile lock) {
        this.paths = paths;
        this.lock = lock;
    }

    /**
     * Claims the name for the master with {@code pid}.
     *
     * @throws ControlException when a master of that name runs, or the directories cannot be used
     */
    static NameClaim claim(String name, ControlPaths paths, long pid) {
        for (int attempt = 1; ; attempt++) {
            try {
                PrivateDirectory.ensure(paths.base());
                PrivateDirectory.ensure(paths.directory());
                LockFile lock = LockFile.tryLock(paths.pidFile()).orElseThrow(() -> taken(name, paths));
                try {
                    Files.writeString(paths.pidFile(), pid + "\n");
                } catch (IOException e) {
                    lock.deleteAndClose();
                    throw e;
                }
                return new NameClaim(paths, lock);
            } catch (NoSuchFileException e) {
                if (attempt == ATTEMPTS) {
                    throw cannot(paths, "no such directory: " + e.getFile());
                }
            } catch (NativeException e) {
                if (e.errno() != ENOENT || attempt == ATTEMPTS) {
                    throw new ControlException(e.getMessage(), e);
                }
            } catch (IOException e) {
                throw cannot(paths, e.toString());
            }
        }
    }

    private static ControlException taken(String name, ControlPaths paths) {
        String pid = ownerPid(paths.pidFile()).map(p -> "master pid " + p).orElse("see " + paths.pidFile());
        return new ControlException("a cluster named '" + name + "' is already running (" + pid
                + "); use --name to run another beside it");
    }

    /** The pid the running master wrote; empty in the moment between its lock and its write. */
    private static Optional<String> ownerPid(Path pidFile) {
        try {
            String text = Files.readString(pidFile).strip();
            return text.matches("\\d+") ? Optional.of(text) : Optional.empty();
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    private static ControlException cannot(ControlPaths paths, String why) {
        return new ControlException("cannot set up the control socket in " + paths.directory() + ": " + why);
    }

    /** Removes the pid file (unlocking it) and the directories left empty. */
    @Override
    public void close() {
        lock.deleteAndClose();
        removeIfEmpty(paths.directory());
        removeIfEmpty(paths.base());
    }

    private static void removeIfEmpty(Path directory) {
        try {
            Files.deleteIfExists(directory);
        } catch (DirectoryNotEmptyException e) {
            // another master's, or about to be
        } catch (IOException e) {
            // best effort: an empty private directory harms nothing
        }
    }
}
