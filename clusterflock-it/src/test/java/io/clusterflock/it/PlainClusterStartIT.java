package io.clusterflock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seeds' logger option, as a Java program meets it: a plain {@code Cluster.start} in a program
 * with no logging set up writes one line per event to stderr like the CLI; and {@code reload()}
 * says when it is done.
 */
@Timeout(90)
class PlainClusterStartIT {
    @TempDir
    Path tmp;

    @Test
    void aPlainClusterStartLogsOneLinePerEventLikeTheCli() throws IOException, InterruptedException {
        Path err = tmp.resolve("stderr");
        Path out = tmp.resolve("stdout");
        Path classes = Copies.classesOf(PlainClusterStart.class, tmp.resolve("classes"));
        Process program = new ProcessBuilder(Fixtures.java().toString(), "--enable-native-access=ALL-UNNAMED", "-cp",
                BuildCopies.jar() + File.pathSeparator + classes, PlainClusterStart.class.getName())
                .redirectError(err.toFile()).redirectOutput(out.toFile()).start();
        assertTrue(program.waitFor(60, TimeUnit.SECONDS), "the program ended");
        List<String> lines = Files.readAllLines(err);
        assertEquals(0, program.exitValue(), String.join("\n", lines));
        assertEquals(List.of("reloaded to generation 1"), Files.readAllLines(out));
        String prefix = "\\d\\d:\\d\\d:\\d\\d\\.\\d{3} clusterflock\\[" + program.pid() + "\\] ";
        assertTrue(lines.stream().anyMatch(l -> l.matches(prefix + "worker 0 \\(pid \\d+\\) forked, generation 0")), String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.matches(prefix + "generation 1 serving on every slot")), String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.matches(prefix + "master stopped, exit code 0")), String.join("\n", lines));
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("INFO:") || l.contains(" io.clusterflock.")),
                "no line in java.util.logging's two-line default format" + String.join("\n", lines));
    }
}
