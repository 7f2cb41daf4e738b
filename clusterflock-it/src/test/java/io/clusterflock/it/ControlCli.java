package io.clusterflock.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs {@code clusterflock status | scale N | reload | ...} as an operator would, against a runtime directory. */
final class ControlCli {
    private ControlCli() {}

    /** What a command printed and how it exited. */
    record Result(int exitCode, String stdout, String stderr) {
        List<String> lines() {
            return stdout.lines().toList();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n---- stdout ----\n" + stdout + "---- stderr ----\n" + stderr + "----";
        }
    }

    /** {@code clusterflock ARGS...} with $XDG_RUNTIME_DIR set to {@code runtimeDirectory}. */
    static Result run(Path runtimeDirectory, String... args) {
        List<String> command = new ArrayList<>(List.of(Fixtures.java().toString(), "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-jar", BuildCopies.jar().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().put("XDG_RUNTIME_DIR", runtimeDirectory.toString());
        try {
            Process process = builder.start();
            CompletableFuture<String> out = drain(process.getInputStream());
            CompletableFuture<String> err = drain(process.getErrorStream());
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("clusterflock " + String.join(" ", args) + " still running after 60 s");
            }
            return new Result(process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** {@link #run}, which must succeed (exit 0, nothing on stderr). */
    static Result ok(Path runtimeDirectory, String... args) {
        Result result = run(runtimeDirectory, args);
        if (result.exitCode() != 0 || !result.stderr().isEmpty()) {
            throw new AssertionError("clusterflock " + String.join(" ", args) + " failed: " + result);
        }
        return result;
    }

    private static CompletableFuture<String> drain(java.io.InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }, runnable -> Thread.ofVirtual().start(runnable));
    }
}
