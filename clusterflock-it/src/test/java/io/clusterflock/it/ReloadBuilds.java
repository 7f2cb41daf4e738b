package io.clusterflock.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the reload tests run, copied from the build into a private directory (as {@link BuildCopies}
 * does for the CLI jar, so that a build beside the suite cannot change them under a running
 * cluster): the library-mode hello.jar and the Python example worker. Also the "builds" a reload
 * test swaps between reloads: a worker script replaced atomically, as an operator replaces a jar.
 */
final class ReloadBuilds {
    private static final Path ROOT = Copies.temporaryRoot("clusterflock-it-reload-");

    private ReloadBuilds() {}

    /** A private copy of examples/hello/target/hello.jar. */
    static synchronized Path helloJar() {
        Path copy = ROOT.resolve("hello.jar");
        return Files.exists(copy) ? copy : Copies.copy(example("hello/target/hello.jar"), copy);
    }

    /** A private copy of examples/python/server.py. */
    static synchronized Path pythonServer() {
        Path copy = ROOT.resolve("server.py");
        return Files.exists(copy) ? copy : Copies.copy(example("python/server.py"), copy);
    }

    /** The real python3 binary (not a pyenv shim), when there is one. */
    static Optional<Path> python() {
        return Fixtures.pythonWorker().map(command -> Path.of(command.getFirst()));
    }

    /** The library-mode master: {@code java -Dclusterflock.workers=N -Dclusterflock.port=0 [properties] -jar hello.jar}. */
    static List<String> helloCommand(int workers, String... properties) {
        List<String> command = new ArrayList<>(List.of(Fixtures.java().toString(),
                "-Dclusterflock.workers=" + workers, "-Dclusterflock.port=0"));
        command.addAll(List.of(properties));
        command.addAll(List.of("-jar", helloJar().toString()));
        return command;
    }

    /** A fresh directory for one test's files, removed at exit with the rest. */
    static Path directory(String name) {
        try {
            return Files.createTempDirectory(ROOT, name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes an executable shell script at {@code script} whose body is {@code body}, replacing
     * any previous one by a rename: a worker starting at that moment runs the old build or the new
     * one, never half a file.
     */
    static Path writeScript(Path script, String body) {
        try {
            Path next = script.resolveSibling(script.getFileName() + ".next");
            Files.writeString(next, "#!/bin/sh\n" + body + "\n");
            Files.setPosixFilePermissions(next, PosixFilePermissions.fromString("rwx------"));
            return Files.move(next, script, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + script, e);
        }
    }

    /** Single-quotes {@code word} for sh. */
    static String quote(Object word) {
        return "'" + word.toString().replace("'", "'\\''") + "'";
    }

    private static Path example(String relative) {
        String examples = System.getProperty("clusterflock.examples");
        if (examples == null) {
            throw new AssertionError("system property clusterflock.examples must name the examples directory (failsafe sets it)");
        }
        Path path = Path.of(examples, relative);
        if (!Files.isRegularFile(path)) {
            throw new AssertionError(path + " is missing: build first (./mvnw install -DskipTests)");
        }
        return path;
    }



}
