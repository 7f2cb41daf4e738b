package io.clusterflock.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
    private static final Path ROOT = Copies.temporaryRoot("clusterflock-it-library-");
    private static final Path APP_CLASSES = Copies.classesOf(LibraryApp.class, ROOT.resolve("classes"));

    private LibraryCopies() {}

    /**
     * The command line that starts {@link LibraryApp} as a master: {@code java <fast-start flags>
     * --enable-native-access=ALL-UNNAMED JVM_OPTIONS... -cp ... LibraryApp ARGS...}.
     */
    static List<String> app(List<String> jvmOptions, String... args) {
        List<String> options = new ArrayList<>(List.of("--enable-native-access=ALL-UNNAMED"));
        options.addAll(jvmOptions);
        return appWithoutNativeAccess(options, args);
    }

    /**
     * {@link #app} as a user may well start it: {@code java <fast-start flags> JVM_OPTIONS... -cp ...
     * LibraryApp ARGS...}, without {@code --enable-native-access} (which a jar's manifest cannot
     * grant to a class path).
     */
    static List<String> appWithoutNativeAccess(List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>(List.of(Fixtures.java().toString(), "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", APP_CLASSES + ":" + BuildCopies.jar(), LibraryApp.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    /** A private copy of examples/NAME/target/NAME.jar (failsafe names the examples directory). */
    static synchronized Path exampleJar(String name) {
        Path copy = ROOT.resolve(name + ".jar");
        if (!Files.exists(copy)) {
            Copies.copy(examples().resolve(name).resolve("target").resolve(name + ".jar"), copy);
        }
        return copy;
    }

    /** A private copy of examples/python/server.py. */
    static synchronized Path pythonServer() {
        Path copy = ROOT.resolve("server.py");
        if (!Files.exists(copy)) {
            Copies.copy(examples().resolve("python").resolve("server.py"), copy);
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
}
