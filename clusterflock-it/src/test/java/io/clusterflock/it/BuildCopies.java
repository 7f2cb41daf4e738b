package io.clusterflock.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Private copies of what the tests run from target/: the shaded jar, the fixture worker classes and
 * the Python worker. Taken once per test JVM, so that a build running beside the suite (which
 * rewrites target/) cannot change or remove them while masters and workers start. Removed at exit.
 */
final class BuildCopies {
    private static final Path ROOT = createRoot();
    private static final Path JAR = copyJar();
    private static final Path CLASSES = copyWorkerClasses();
    private static final Path PYTHON_WORKER = copyResource("listen_fds_worker.py");

    private BuildCopies() {}

    /** The clusterflock jar the suite tests (failsafe names it in system property clusterflock.jar). */
    static Path jar() {
        return JAR;
    }

    /** A class path holding {@link InheritedHttpWorker}. */
    static Path workerClasses() {
        return CLASSES;
    }

    /** listen_fds_worker.py. */
    static Path pythonWorker() {
        return PYTHON_WORKER;
    }

    private static Path createRoot() {
        try {
            Path root = Files.createTempDirectory("clusterflock-it-build-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(root)));
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path copyJar() {
        String jar = System.getProperty("clusterflock.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new AssertionError("system property clusterflock.jar must name the shaded jar (failsafe sets it), not "
                    + jar);
        }
        return copy(Path.of(jar), ROOT.resolve("clusterflock.jar"));
    }

    /** Copies the fixture's package directory (InheritedHttpWorker and its nested classes). */
    private static Path copyWorkerClasses() {
        Path classes = ROOT.resolve("classes");
        String pkg = InheritedHttpWorker.class.getPackageName().replace('.', '/');
        Path source = testClasses().resolve(pkg);
        try (Stream<Path> files = Files.list(source)) {
            Files.createDirectories(classes.resolve(pkg));
            files.filter(f -> f.getFileName().toString().startsWith(InheritedHttpWorker.class.getSimpleName()))
                    .forEach(f -> copy(f, classes.resolve(pkg).resolve(f.getFileName().toString())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return classes;
    }

    private static Path copyResource(String name) {
        String pkg = BuildCopies.class.getPackageName().replace('.', '/');
        return copy(testClasses().resolve(pkg).resolve(name), ROOT.resolve(name));
    }

    /** The directory the test classes were loaded from (target/test-classes). */
    private static Path testClasses() {
        try {
            return Path.of(InheritedHttpWorker.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    private static Path copy(Path from, Path to) {
        try {
            return Files.copy(from, to);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + from, e);
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
