package io.clusterflock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AOT cache: while it is missing exactly one worker JVM records it; its JVM writes what it
 * recorded as it exits, the master assembles the cache from that and moves it into place, and every
 * worker forked from then on (a new cluster, a re-forked worker) maps it. With {@code --aot-cache
 * FILE} that is FILE; by default a file per build in the cache directory, so a deploy trains a new
 * one and maps no stale one.
 */
@Timeout(300)
class AotCacheIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(40);
    /** How long a training run may take to record, and the master to assemble the cache, on a busy 2-core machine. */
    private static final Duration TRAINING = Duration.ofSeconds(90);
    private static final Pattern HELLO = Pattern.compile("^hello from worker (\\d+) \\(pid (\\d+)\\)$");
    /** A worker whose command is not java trains in one step: its JVM assembles the cache as it exits. */
    private static final String TRAIN = "-XX:AOTCacheOutput=";
    /** A java worker records, in two steps: the master assembles the cache once it has exited. */
    private static final String RECORD = "-XX:AOTMode=record -XX:AOTConfiguration=";

    @TempDir
    Path dir;

    @Test
    void oneDemoWorkerTrainsTheCacheAndWorkersForkedAfterItsExitMapIt() throws IOException {
        Path cache = dir.resolve("demo.aot");
        // -t 60s: the training worker writes what it recorded as it exits, which can take 10 s on a busy machine
        try (MasterProcess master = MasterProcess.start("demo", "-w", "2", "-p", "0", "-t", "60s", "--aot-cache", cache.toString())) {
            List<Long> pids = master.startedPids();
            Answers.untilEveryPid(master.port(), HELLO, pids, TIMEOUT);

            List<String> jvmArgs = pids.stream().map(AotCacheIT::jvmArgs).toList();
            assertEquals(1, jvmArgs.stream().filter(args -> args.contains(RECORD + cache + ".")).count(), "training workers: " + jvmArgs);
            assertEquals(0, jvmArgs.stream().filter(args -> args.contains("-XX:AOTCache=")).count(), "workers: " + jvmArgs);
            long trainer = pids.get(jvmArgs.indexOf(jvmArgs.stream().filter(args -> args.contains(RECORD)).findFirst().orElseThrow()));
            master.awaitEvent(EventMatch.log("info", Pattern.compile("worker \\d \\(pid " + trainer + "\\) records the AOT cache "
                    + Pattern.quote(cache.toString()) + "; it is written when that worker exits$")), Duration.ZERO);
            assertFalse(Files.exists(cache), "the cache exists before its training run ended");

            master.signal("TERM");
            assertEquals(0, master.awaitExit(TRAINING), master.output());
            master.awaitEvent(EventMatch.log("info", Pattern.compile("AOT cache " + Pattern.quote(cache.toString())
                    + " written \\(\\d+\\.\\d MiB\\) by worker \\d's training run")), Duration.ZERO);
        }
        assertTrue(Files.size(cache) > 1_000_000, "a cache of " + Files.size(cache) + " bytes");
        assertEquals(List.of(cache, dir.resolve("demo.aot.key")), filesIn(dir), "the training run left files behind");

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
                "-Dclusterflock.timeout=60s", "-jar", LibraryCopies.exampleJar("hello").toString()))) {
            List<Long> pids = LibraryCluster.awaitReady(master);
            String worker = jvmArgs(pids.getFirst());

            // After java: its memory share (--memory), then the cache's options.
            assertTrue(worker.matches("-XX:MaxRAM=\\d+ " + Pattern.quote(RECORD + cache + ".") + ".*"),
                    "the worker's JVM options: " + worker);
            assertFalse(jvmArgs(master.pid()).contains("AOTCache"), "the master's JVM options: " + jvmArgs(master.pid()));

            master.signal("TERM");
            assertEquals(0, master.awaitExit(TRAINING), master.output());
            assertTrue(Files.isRegularFile(cache) && Files.size(cache) > 1_000_000, master.output());
        }
    }

    @Test
    void byDefaultLibraryModeTrainsACachePerBuildAndAfterADeployNoWorkerMapsTheOldOne() throws IOException {
        Path caches = dir.resolve("aot");
        Path jar = Files.copy(LibraryCopies.exampleJar("hello"), dir.resolve("hello.jar"));
        try (MasterProcess master = MasterProcess.program(List.of(Fixtures.java().toString(), "-XX:+UseSerialGC",
                "-Dclusterflock.port=0", "-Dclusterflock.workers=2", "-Dclusterflock.aotCacheDir=" + caches,
                "-jar", jar.toString()))) {
            List<Long> pids = LibraryCluster.awaitReady(master);
            long trainer = theOneTrainer(pids, caches);
            Path trained = trainedFile(jvmArgs(trainer));
            assertTrue(trained.getFileName().toString().matches("[\\w.]+-[0-9a-f]{16}\\.aot"), trained.toString());

            // The training worker's JVM writes what it recorded as it exits, the master assembles the
            // cache from that (its slot is re-forked meanwhile); a worker forked after that maps it.
            int mark = master.mark();
            assertTrue(Kill.signal(trainer, "TERM"));
            master.awaitEventAfter(mark, EventMatch.log("info", Pattern.compile("AOT cache " + Pattern.quote(trained.toString())
                    + " written")), TRAINING);
            int slot = pids.indexOf(trainer);
            long refork = master.awaitFork(slot, mark, TIMEOUT);
            mark = master.mark();
            assertTrue(Kill.signal(refork, "KILL"));
            long mapping = master.awaitFork(slot, mark, TIMEOUT);
            master.awaitReady(List.of(mapping), TIMEOUT);
            assertTrue(maps(mapping, trained), "a worker forked after the install has not mapped " + trained + ": " + jvmArgs(mapping));

            // A deploy: a rebuilt jar (another size and time) replaces the old one, then a reload.
            rebuild(jar);
            mark = master.mark();
            master.signal("USR2");
            ReloadLog.awaitServing(master, mark, 1, TIMEOUT);
            List<Long> reloaded = List.copyOf(ReloadLog.workersOf(master, 1).values());
            assertEquals(2, reloaded.size(), master.output());
            for (long pid : reloaded) {
                assertFalse(maps(pid, trained), "worker " + pid + " maps the old build's cache");
                assertFalse(jvmArgs(pid).contains("-XX:AOTCache="), "worker " + pid + " was offered a cache: " + jvmArgs(pid));
            }
            Path retrained = trainedFile(jvmArgs(theOneTrainer(reloaded, caches)));
            assertNotEquals(trained, retrained, "the new build trains the old build's file");
            assertEquals(trained.getParent(), retrained.getParent());
            assertTrue(Files.exists(trained), "the old build's cache is kept for a rollback");
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

    /** The one worker of {@code pids} that trains a cache in {@code caches}, the others mapping none. */
    private static long theOneTrainer(List<Long> pids, Path caches) {
        List<String> args = pids.stream().map(AotCacheIT::jvmArgs).toList();
        List<Long> trainers = pids.stream().filter(pid -> args.get(pids.indexOf(pid)).contains(RECORD + caches + "/")).toList();
        assertEquals(1, trainers.size(), "training workers: " + args);
        assertEquals(0, args.stream().filter(arg -> arg.contains("-XX:AOTCache=")).count(), "workers: " + args);
        return trainers.getFirst();
    }

    /** The cache file a training worker's options name: where its cache goes once it is assembled. */
    private static Path trainedFile(String jvmArgs) {
        Matcher m = Pattern.compile(Pattern.quote(RECORD) + "(\\S+)\\.\\d+-\\d+\\.training\\.aotconf").matcher(jvmArgs);
        assertTrue(m.find(), jvmArgs);
        return Path.of(m.group(1));
    }

    /** Replaces {@code jar} by a rename with a rebuilt copy: one more entry (another size), a minute newer (another time). */
    private static void rebuild(Path jar) throws IOException {
        Path next = jar.resolveSibling(jar.getFileName() + ".next");
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar));
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(next))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                out.putNextEntry(new ZipEntry(entry.getName()));
                in.transferTo(out);
                out.closeEntry();
            }
            out.putNextEntry(new ZipEntry("BUILD-INFO.txt"));
            out.write("rebuilt\n".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        Files.setLastModifiedTime(next, FileTime.from(Files.getLastModifiedTime(jar).toInstant().plusSeconds(60)));
        Files.move(next, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
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
