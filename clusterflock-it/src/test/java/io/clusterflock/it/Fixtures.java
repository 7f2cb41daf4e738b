package io.clusterflock.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Worker commands for {@code clusterflock run -- COMMAND}: the Java and the Python fixture workers. */
final class Fixtures {
    private Fixtures() {}

    /** The java of the JDK running the tests (JDK 25), never whatever java is on PATH. */
    static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** The command that runs {@link InheritedHttpWorker} with {@code args}. */
    static List<String> javaWorker(String... args) {
        List<String> command = new ArrayList<>(List.of(java().toString(), "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", BuildCopies.workerClasses().toString(),
                InheritedHttpWorker.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    /** The command that runs listen_fds_worker.py, or empty when there is no python3 on PATH. */
    static Optional<List<String>> pythonWorker() {
        return python().map(python -> List.of(python.toString(), BuildCopies.pythonWorker().toString()));
    }

    /**
     * The real python3 binary: asks the one on PATH for {@code sys.executable}, so that a wrapper
     * (a pyenv shim is a bash script) does not stand between the master and the worker.
     */
    private static Optional<Path> python() {
        try {
            Process probe = new ProcessBuilder("python3", "-c", "import sys; print(sys.executable)")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!probe.waitFor(10, TimeUnit.SECONDS) || probe.exitValue() != 0 || out.isEmpty()) {
                return Optional.empty();
            }
            Path python = Path.of(out);
            return Files.isExecutable(python) ? Optional.of(python) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
