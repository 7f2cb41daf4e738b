package io.clusterflock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input is refused before anything starts: one line on stderr that starts with
 * {@code clusterflock: } and names the problem, exit code 2, no stack trace, no process left.
 */
@Timeout(60)
class BadInputIT {
    private static final String MISSING = "no-such-command-" + UUID.randomUUID();

    static Stream<Arguments> refusedCommandLines() {
        return Stream.of(
                Arguments.of(List.of("--workers", "0", "-p", "0", "--", "sleep", "30"), "--workers"),
                Arguments.of(List.of("--workers", "-1", "-p", "0", "--", "sleep", "30"), "--workers"),
                Arguments.of(List.of("--workers", "abc", "-p", "0", "--", "sleep", "30"), "--workers"),
                Arguments.of(List.of("-w", "1", "--port", "70000", "--", "sleep", "30"), "--port"),
                Arguments.of(List.of("-w", "1", "-p", "0"), "command"),
                Arguments.of(List.of("-w", "1", "-p", "0", "--"), "command"),
                Arguments.of(List.of("-w", "1", "-p", "0", "--", MISSING), MISSING),
                Arguments.of(List.of("-w", "1", "-p", "0", "--", "/nonexistent/" + MISSING), "/nonexistent/" + MISSING),
                Arguments.of(List.of("-w", "1", "-p", "0", "--timeout", "abc", "--", "sleep", "30"), "--timeout"),
                Arguments.of(List.of("-w", "1", "-p", "0", "--timeout", "-1s", "--", "sleep", "30"), "--timeout"),
                Arguments.of(List.of("-w", "1", "-p", "0", "--respawn-delay", "0", "--", "sleep", "30"), "--respawn-delay"),
                Arguments.of(List.of("-w", "1", "-p", "0", "--respawn-delay", "1s", "--respawn-delay-max", "500ms",
                        "--", "sleep", "30"), "--respawn-delay-max"),
                Arguments.of(List.of("-w", "1", "-p", "0", "-e", "NO_EQUALS_SIGN", "--", "sleep", "30"), "--env"),
                Arguments.of(List.of("-w", "1", "-p", "0", "--aot-cache", "/nonexistent/" + MISSING + "/app.aot",
                        "--", "sleep", "30"), "--aot-cache"),
                Arguments.of(List.of("-w", "1", "-p", "0", "--no-such-option", "--", "sleep", "30"), "--no-such-option"));
    }

    @ParameterizedTest(name = "run {0}")
    @MethodSource("refusedCommandLines")
    void refusedWithOneLineAndExitCode2(List<String> options, String named) {
        assertRefused(options, named);
    }

    /** Values each option accepts on its own, refused together or by name: the whole line, naming the flags typed. */
    static Stream<Arguments> refusedValues() {
        return Stream.of(
                Arguments.of(List.of("--respawn-delay", "2s", "--respawn-delay-max", "1ms"), "clusterflock: --respawn-delay-max: '1ms' "
                        + "is not allowed; use a duration no shorter than --respawn-delay (2s), or 0 for a constant delay"),
                Arguments.of(List.of("--prefix-output", "--silent"),
                        "clusterflock: --prefix-output and --silent cannot be combined; use one of them"),
                Arguments.of(List.of("--log-format", "xml"), "clusterflock: --log-format: 'xml' is not allowed; use text or json"),
                Arguments.of(List.of("--ready-when", "soon"),
                        "clusterflock: --ready-when: 'soon' is not allowed; use started, listening or ready"),
                Arguments.of(List.of("--memory", "150%"), "clusterflock: --memory: '150%' is not allowed; use a size such as"
                        + " 512m or 2g, a percentage from 1% to 100%, or off"),
                Arguments.of(List.of("--memory", "0"), "clusterflock: --memory: '0' is not allowed; use a size such as"
                        + " 512m or 2g, a percentage from 1% to 100%, or off"));
    }

    @ParameterizedTest(name = "run {0}")
    @MethodSource("refusedValues")
    void refusedValuesAreNamedAsTyped(List<String> options, String expected) {
        List<String> args = new ArrayList<>(List.of("-w", "1", "-p", "0"));
        args.addAll(options);
        args.addAll(List.of("--", "sleep", "30"));
        assertEquals(expected, assertRefused(args, options.getFirst()));
    }

    @Test
    void portAlreadyInUseIsRefused() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            String port = Integer.toString(taken.getLocalPort());
            assertRefused(List.of("-w", "1", "--host", "127.0.0.1", "-p", port, "--", "sleep", "30"), port);
        }
    }

    @Test
    void commandThatIsNotExecutableIsRefused(@TempDir Path dir) throws IOException {
        Path script = Files.writeString(dir.resolve("not-executable.sh"), "#!/bin/sh\nexec sleep 30\n");
        assertFalse(Files.isExecutable(script));
        assertRefused(List.of("-w", "1", "-p", "0", "--", script.toString()), script.toString());
    }

    /** Runs {@code clusterflock run OPTIONS}, checks it is refused properly, naming {@code named}; returns the line. */
    static String assertRefused(List<String> options, String named) {
        String title = "it-" + UUID.randomUUID();
        List<String> args = new ArrayList<>(List.of("run", "--title", title));
        args.addAll(options);
        try (MasterProcess master = MasterProcess.startText(args)) {
            int code = master.awaitExit(Duration.ofSeconds(30));
            String output = master.output();

            assertEquals(2, code, "exit code" + output);
            List<String> stderr = master.stderr().stream().filter(line -> !line.isBlank()).toList();
            assertEquals(1, stderr.size(), "stderr lines" + output);
            String line = stderr.getFirst();
            assertTrue(line.startsWith("clusterflock: ") && line.length() > "clusterflock: ".length(), line);
            assertTrue(line.contains(named), "'" + line + "' does not name " + named);
            assertEquals(List.of(), master.lines().stream().filter(l -> !l.stderr()).toList(), "stdout" + output);
            assertFalse(output.contains("Exception") || output.contains("\tat "), "a stack trace" + output);
            assertTrue(Await.within(Duration.ofSeconds(2),
                    () -> master.remaining().isEmpty() && Procs.withArgsContaining(title).isEmpty()),
                    () -> "left behind:" + MasterProcess.describe(master.remaining())
                            + MasterProcess.describe(Procs.withArgsContaining(title)));
            return line;
        }
    }
}
