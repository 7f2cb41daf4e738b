package io.clusterflock.internal.master;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.clusterflock.internal.os.WorkerAccount;
import java.nio.file.LinkOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The master's private directory (mode 0700) for its Unix sockets: under {@code $XDG_RUNTIME_DIR}
 * when there is one, else the temporary directory. Only the master's user can reach what is in it.
 * Removed when the master stops.
 */
final class RuntimeDirectory implements AutoCloseable {
    private final Path path;

    private RuntimeDirectory(Path path) {
        this.path = path;
    }

    static RuntimeDirectory create() {
        return create(false);
    }

    /**
     * With {@code forAnotherUser} (workers run as another user, who must reach the sockets), in the
     * temporary directory: the master's {@code $XDG_RUNTIME_DIR} is its user's alone, 0700, and
     * another user cannot even pass through it.
     */
    static RuntimeDirectory create(boolean forAnotherUser) {
        try {
            Path base = forAnotherUser ? Path.of(System.getProperty("java.io.tmpdir")) : base();
            return new RuntimeDirectory(Files.createTempDirectory(base, "clusterflock-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the master's private directory: " + e.getMessage(), e);
        }
    }

    private static Path base() {
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isBlank() && Files.isDirectory(Path.of(runtime)) && Files.isWritable(Path.of(runtime))) {
            return Path.of(runtime);
        }
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    /**
     * Gives the directory and the sockets in it to the workers' user (they stay mode 0700 and
     * 0755: the owner alone may enter and connect). The master, as root, needs no permission.
     */
    void handOver(WorkerAccount account, Path... sockets) {
        try {
            UserPrincipalLookupService names = path.getFileSystem().getUserPrincipalLookupService();
            UserPrincipal user = names.lookupPrincipalByName(Integer.toUnsignedString(account.uid()));
            GroupPrincipal group = names.lookupPrincipalByGroupName(Integer.toUnsignedString(account.gid()));
            for (Path file : java.util.stream.Stream.concat(java.util.stream.Stream.of(path), java.util.Arrays.stream(sockets)).toList()) {
                PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
                view.setOwner(user);
                view.setGroup(group);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot give the master's private directory to " + account.describe() + ": " + e.getMessage(), e);
        }
    }

    Path path() {
        return path;
    }

    @Override
    public void close() {
        try (Stream<Path> files = Files.walk(path)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort: a leftover empty directory in the runtime dir harms nothing
        }
    }
}
