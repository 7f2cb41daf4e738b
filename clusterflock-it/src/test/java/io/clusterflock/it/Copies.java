package io.clusterflock.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Frozen copies of what the tests run: a build running beside the suite rewrites target/, and a
 * master or worker starting from there could then find its classes gone. Every copy lives in a
 * temporary directory removed when the test JVM exits.
 */
final class Copies {
    private Copies() {}

    /**
     * A new temporary directory named {@code prefix…}, removed at exit. Readable by every user
     * (0755, as an installed application is): WorkerUserIT's workers run as nobody.
     */
    static Path temporaryRoot(String prefix) {
        try {
            Path root = Files.createTempDirectory(prefix,
                    java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x")));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(root)));
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path copy(Path from, Path to) {
        try {
            return Files.copy(from, to);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + from, e);
        }
    }

    /** Copies {@code main}'s class file and those of its nested classes into the class directory {@code into}. */
    static Path classesOf(Class<?> main, Path into) {
        String pkg = main.getPackageName().replace('.', '/');
        String name = main.getSimpleName();
        try (Stream<Path> files = Files.list(testClasses().resolve(pkg))) {
            Files.createDirectories(into.resolve(pkg));
            files.filter(f -> f.getFileName().toString().startsWith(name + ".") || f.getFileName().toString().startsWith(name + "$"))
                    .forEach(f -> copy(f, into.resolve(pkg).resolve(f.getFileName().toString())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return into;
    }

    /** The directory the test classes were loaded from (target/test-classes). */
    static Path testClasses() {
        try {
            return Path.of(Copies.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    private static void delete(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // best effort, at exit
        }
    }
}
