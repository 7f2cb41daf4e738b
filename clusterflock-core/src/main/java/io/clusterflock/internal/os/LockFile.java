package io.clusterflock.internal.os;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Optional;

/**
 * An exclusive flock(2) on a file, held while this object is open. The kernel drops it when the
 * process dies, however it dies, so a held lock means a live owner. Unlike the JDK's FileLock
 * (fcntl), it is not lost when the process closes some other fd of the same file, and a second
 * lock from the same process is refused like one from another process.
 *
 * <p>The owner removes the file when it is done ({@link #deleteAndClose}). Whoever opened the file
 * just before that holds a lock on a file that no longer has a name; {@link #tryLock} sees this and
 * tries again, so two processes never both hold the lock of the same name.
 */
public final class LockFile implements AutoCloseable {
    private static final int ATTEMPTS = 5;

    private final Path path;
    private final int fd;
    private boolean closed;

    private LockFile(Path path, int fd) {
        this.path = path;
        this.fd = fd;
    }

    /**
     * Creates {@code path} (mode 0600) if needed and locks it; empty when someone else holds the lock.
     *
     * @throws NativeException when the file cannot be opened or locked for another reason
     */
    public static Optional<LockFile> tryLock(Path path) {
        Platform.requireSupported();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            String what = "cannot lock " + path;
            int fd = FileCalls.open(path, FileCalls.O_RDWR | FileCalls.O_CREAT, 0600, what);
            boolean locked = false;
            try {
                locked = FileCalls.tryLockExclusive(fd, what);
                if (!locked) {
                    return Optional.empty();
                }
                if (stillNamed(path, fd)) {
                    return Optional.of(new LockFile(path, fd));
                }
                locked = false; // the owner removed it between our open and our lock: take the new one
            } finally {
                if (!locked) {
                    Libc.close(fd, path.toString());
                }
            }
        }
        throw new NativeException("cannot lock " + path + ": it keeps being replaced", 0);
    }

    /** Whether {@code path} still names the file open at {@code fd}. */
    private static boolean stillNamed(Path path, int fd) {
        try {
            Object open = Files.readAttributes(Path.of("/proc/self/fd/" + fd), BasicFileAttributes.class).fileKey();
            Object named = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            return Objects.equals(open, named);
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check the lock file " + path + ": " + e.getMessage(), e);
        }
    }

    public Path path() {
        return path;
    }

    /** Removes the file, then lets go of the lock: in this order, see the class comment. */
    public synchronized void deleteAndClose() {
        if (!closed) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                // the lock still goes; a leftover file is taken over by the next owner
            }
            close();
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Libc.close(fd, path.toString());
        }
    }
}
