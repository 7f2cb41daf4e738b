package io.clusterflock.internal.master;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
        try {
            return new RuntimeDirectory(Files.createTempDirectory(base(), "clusterflock-",
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
