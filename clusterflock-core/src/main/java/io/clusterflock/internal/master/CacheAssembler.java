package io.clusterflock.internal.master;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Runs the second step of AOT cache training, {@code java -XX:AOTMode=create}: it reads the
 * configuration a training worker recorded as it exited and writes the cache. The worker itself
 * then exits in about a second instead of spending the 3–8 s of assembling (more on a busy
 * machine) inside its stop timeout, and the assembling JVM runs at a lower priority than the
 * workers that serve. A port, so that tests assemble nothing.
 */
interface CacheAssembler {
    /** A running assembly: its exit code once it ends, and how to stop it. */
    record Assembly(CompletableFuture<Integer> exitCode, Runnable kill) { }

    /**
     * Starts {@code command} with {@code environment} over the master's own, stdout and stderr
     * into {@code log}.
     *
     * @throws IOException when it cannot be started
     */
    Assembly start(List<String> command, Map<String, String> environment, Path log) throws IOException;

    /** A child process of the master, under {@code nice} where there is one: it competes with serving workers for the CPU. */
    CacheAssembler PROCESS = (command, environment, log) -> {
        List<String> niced = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/nice"))) {
            niced.addAll(List.of("/usr/bin/nice", "-n", "10"));
        }
        niced.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(niced).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().keySet().removeAll(BuildKey.OPTION_VARIABLES);
        builder.environment().remove("CLASSPATH");
        builder.environment().putAll(environment);
        Process process = builder.start();
        return new Assembly(process.onExit().thenApply(Process::exitValue), process::destroyForcibly);
    };
}
