package io.clusterflock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --aot-cache FILE}: while FILE is missing exactly one worker JVM records it; its JVM writes
 * the cache as it exits, the master moves it into place, and every worker forked from then on
 * (a new cluster, a re-forked worker) maps it.
 */
@Timeout(180)
class AotCacheIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(40);
    private static final Pattern HELLO = Pattern.compile("^hello from worker (\\d+) \\(pid (\\d+)\\)$");
    private static final String TRAIN = "-XX:AOTCacheOutput=";

    @TempDir
    Path dir;

    @Test
    void oneDemoWorkerTrainsTheCacheAndWorkersForkedAfterItsExitMapIt() throws IOException {
        Path cache = dir.resolve("demo.aot");
        try (MasterProcess master = MasterProcess.start("demo", "-w", "2", "-p", "0", "--aot-cache", cache.toString())) {
            List<Long> pids = master.startedPids();
            Answers.untilEveryPid(master.port(), HELLO, pids, TIMEOUT);

            List<String> jvmArgs = pids.stream().map(AotCacheIT::jvmArgs).toList();
            assertEquals(1, jvmArgs.stream().filter(args -> args.contains(TRAIN + cache + ".")).count(), "training workers: " + jvmArgs);
            assertEquals(0, jvmArgs.stream().filter(args -> args.contains("-XX:AOTCache=")).count(), "workers: " + jvmArgs);
            long trainer = pids.get(jvmArgs.indexOf(jvmArgs.stream().filter(args -> args.contains(TRAIN)).findFirst().orElseThrow()));
            master.awaitEvent(EventMatch.log("info", Pattern.compile("worker \\d \\(pid " + trainer + "\\) records the AOT cache "
                    + Pattern.quote(cache.toString()) + "; it is written when that worker exits$")), Duration.ZERO);
            assertFalse(Files.exists(cache), "the cache exists before its training run ended");

            master.signal("TERM");
            assertEquals(0, master.awaitExit(TIMEOUT), master.output());
            master.awaitEvent(EventMatch.log("info", Pattern.compile("AOT cache " + Pattern.quote(cache.toString())
                    + " written \\(\\d+\\.\\d MiB\\) by worker \\d's training run")), Duration.ZERO);
        }
        assertTrue(Files.size(cache) > 1_000_000, "a cache of " + Files.size(cache) + " bytes");
        assertEquals(List.of(cache), filesIn(dir), "the training run left files behind");

        try (MasterProcess master = MasterProcess.start("demo", "-w", "2", "-p", "0", "--aot-cache", cache.toString())) {
            List<Long> pids = master.startedPids();
            Answers.untilEveryPid(master.port(), HELLO, pids, TIMEOUT);
            for (long pid : pids) {
                assertTrue(maps(pid, cache), "worker " + pid + " has not mapped the cache: " + MasterProcess.describe(pids));
            }
            assertFalse(master.output().contains("[aot]"), "the JVMs complained about the cache:\n" + master.output());

            int mark = master.mark();
            assertTrue(Kill.signal(pids.getFirst(), "KILL"));
            long reborn = master.awaitFork(0, mark, TIMEOUT);
            Answers.untilEveryPid(master.port(), HELLO, List.of(reborn), TIMEOUT);
            assertNotEquals(pids.getFirst(), reborn);
            assertTrue(maps(reborn, cache), "the re-forked worker has not mapped the cache: " + Procs.args(reborn));
        }
    }

    @Test
    void libraryModeWorkersGetTheOptionAfterJavaAndTheMasterDoesNot() throws IOException {
        Path cache = dir.resolve("app.aot");
        try (MasterProcess master = MasterProcess.program(List.of(Fixtures.java().toString(), "-XX:+UseSerialGC",
                "-Dclusterflock.port=0", "-Dclusterflock.workers=1", "-Dclusterflock.aotCache=" + cache,
                "-jar", LibraryCopies.exampleJar("hello").toString()))) {
            List<Long> pids = LibraryCluster.awaitReady(master);
            String worker = jvmArgs(pids.getFirst());

            assertTrue(worker.startsWith(TRAIN + cache + "."), "the worker's JVM options: " + worker);
            assertFalse(jvmArgs(master.pid()).contains("AOTCache"), "the master's JVM options: " + jvmArgs(master.pid()));

            master.signal("TERM");
            assertEquals(0, master.awaitExit(TIMEOUT), master.output());
            assertTrue(Files.isRegularFile(cache) && Files.size(cache) > 1_000_000, master.output());
        }
    }

    @Test
    void aClassPathWithADirectoryIsRefusedInOneLineBeforeAnythingStarts() {
        Path cache = dir.resolve("app.aot");
        try (MasterProcess master = LibraryCluster.start(List.of("-Dclusterflock.port=0", "-Dclusterflock.aotCache=" + cache))) {
            assertEquals(2, master.awaitExit(TIMEOUT), master.output());
            assertEquals(1, master.stderr().size(), master.output());
            assertTrue(master.stderr().getFirst().startsWith("clusterflock: --aot-cache needs a class path of jar files"),
                    master.output());
        }
    }

    @Test
    void aCommandThatIsNotJavaGetsTheOptionInJdkJavaOptions() {
        Path cache = dir.resolve("app.aot");
        try (MasterProcess master = MasterProcess.run(List.of("sleep", "60"), "-w", "1", "-p", "0",
                "-e", "JDK_JAVA_OPTIONS=-Xmx64m", "--aot-cache", cache.toString())) {
            long pid = master.startedPids().getFirst();

            String options = Await.value(TIMEOUT, () -> "JDK_JAVA_OPTIONS of " + pid, () -> environment(pid, "JDK_JAVA_OPTIONS"));

            assertTrue(options.startsWith("-Xmx64m " + TRAIN + cache + "."), options);
            assertFalse(Procs.args(pid).contains("AOT"), "the command line was changed: " + Procs.args(pid));
        }
    }

    /** The JVM options of a running JVM, as it reports them (a worker's /proc cmdline holds its title instead). */
    private static String jvmArgs(long pid) {
        try {
            Process jcmd = new ProcessBuilder(Fixtures.java().resolveSibling("jcmd").toString(), Long.toString(pid), "VM.command_line")
                    .redirectErrorStream(true).start();
            String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(jcmd.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "jcmd " + pid);
            return output.lines().filter(line -> line.startsWith("jvm_args: ")).map(line -> line.substring("jvm_args: ".length()))
                    .findFirst().orElseThrow(() -> new AssertionError("jcmd " + pid + " VM.command_line: " + output));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static boolean maps(long pid, Path file) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "maps")).contains(" " + file + "\n");
        } catch (IOException e) {
            return false;
        }
    }

    private static String environment(long pid, String name) {
        try {
            String environ = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ")), StandardCharsets.UTF_8);
            return Stream.of(environ.split("\0")).filter(e -> e.startsWith(name + "=")).map(e -> e.substring(name.length() + 1))
                    .findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private static List<Path> filesIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }
}
