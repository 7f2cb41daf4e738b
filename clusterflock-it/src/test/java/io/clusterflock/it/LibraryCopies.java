package io.clusterflock.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Private copies of what the library-mode tests run (the {@link BuildCopies} idea): the
 * {@link LibraryApp} classes, the example jars and the Python example, taken once per test JVM so a
 * build beside the suite cannot change them under a running master. Removed at exit.
 *
 * <p>{@link LibraryApp} runs on a class path of its own classes and the shaded clusterflock jar
 * (BuildCopies' copy), which holds clusterflock-core, clusterflock-jetty and Jetty with
 * jetty-http-spi: what a library-mode application has.
 */
final class LibraryCopies {
    private static final Path ROOT = createRoot();
    private static final Path APP_CLASSES = copyAppClasses();

    private LibraryCopies() {}

    /**
     * The command line that starts {@link LibraryApp} as a master: {@code java <fast-start flags>
     * --enable-native-access=ALL-UNNAMED JVM_OPTIONS... -cp ... LibraryApp ARGS...}.
     */
    static List<String> app(List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>(List.of(Fixtures.java().toString(), "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", APP_CLASSES + ":" + BuildCopies.jar(), LibraryApp.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    /** A private copy of examples/NAME/target/NAME.jar (failsafe names the examples directory). */
    static synchronized Path exampleJar(String name) {
        Path copy = ROOT.resolve(name + ".jar");
        if (!Files.exists(copy)) {
            copy(examples().resolve(name).resolve("target").resolve(name + ".jar"), copy);
        }
        return copy;
    }

    /** A private copy of examples/python/server.py. */
    static synchronized Path pythonServer() {
        Path copy = ROOT.resolve("server.py");
        if (!Files.exists(copy)) {
            copy(examples().resolve("python").resolve("server.py"), copy);
        }
        return copy;
    }

    private static Path examples() {
        String examples = System.getProperty("clusterflock.examples");
        if (examples == null || !Files.isDirectory(Path.of(examples))) {
            throw new AssertionError("system property clusterflock.examples must name the examples directory"
                    + " (failsafe sets it), not " + examples);
        }
        return Path.of(examples);
    }

    private static Path createRoot() {
        try {
            Path root = Files.createTempDirectory("clusterflock-it-library-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(root)));
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies LibraryApp and its nested classes into a class directory of their own. */
    private static Path copyAppClasses() {
        Path classes = ROOT.resolve("classes");
        String pkg = LibraryApp.class.getPackageName().replace('.', '/');
        Path source = testClasses().resolve(pkg);
        try (Stream<Path> files = Files.list(source)) {
            Files.createDirectories(classes.resolve(pkg));
            files.filter(f -> f.getFileName().toString().startsWith(LibraryApp.class.getSimpleName() + ".")
                            || f.getFileName().toString().startsWith(LibraryApp.class.getSimpleName() + "$"))
                    .forEach(f -> copy(f, classes.resolve(pkg).resolve(f.getFileName().toString())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return classes;
    }

    private static Path testClasses() {
        try {
            return Path.of(LibraryApp.class.getProtectionDomain().getCodeSource().getLocation().toURI());
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
