package io.clusterflock.it;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Prometheus's own checker of the text format ({@code promtool check metrics}), from Debian's prometheus package. */
final class Promtool {

    private Promtool() {}

    /** What promtool said of a scrape, and whether it passed. */
    record Verdict(int exitCode, String output) {
        boolean passed() {
            return exitCode == 0 && output.isBlank();
        }
    }

    /** Runs {@code promtool check metrics} on {@code scrape} (a lint problem fails it as an error would). */
    static Verdict check(String scrape) {
        try {
            Process process = new ProcessBuilder(executable().toString(), "check", "metrics").redirectErrorStream(true).start();
            try (var stdin = process.getOutputStream()) {
                stdin.write(scrape.getBytes(StandardCharsets.UTF_8));
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("promtool check metrics still running after 30 s");
            }
            return new Verdict(process.exitValue(), output);
        } catch (IOException e) {
            throw new AssertionError("cannot run promtool: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The promtool on PATH; fails the test, saying how to install it, when there is none. */
    static Path executable() {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                Path promtool = Path.of(dir.isEmpty() ? "." : dir, "promtool");
                if (Files.isRegularFile(promtool) && Files.isExecutable(promtool)) {
                    return promtool;
                }
            }
        }
        throw new AssertionError("promtool is not on PATH (" + path + "): the metrics tests check the master's scrape with it."
                + " Install it: sudo apt-get install --no-install-recommends prometheus (make test installs it when missing)");
    }
}
