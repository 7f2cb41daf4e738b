package io.clusterflock.internal.master;

import static io.clusterflock.internal.master.AotFixtures.fakeJdk;
import static io.clusterflock.internal.master.AotFixtures.jar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clusterflock.AotCacheMode;
import io.clusterflock.ClusterException;
import io.clusterflock.ClusterOptions;
import io.clusterflock.ExitStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which worker maps the AOT cache, which one trains it, when a training run's file is installed, and for which build. */
class AotCacheTest {
    private static final String TRAIN = "-XX:AOTCacheOutput=";
    private static final String MAP = "-XX:AOTCache=";
    private static final String RECORD = "-XX:AOTConfiguration=";

    @TempDir
    Path dir;

    @Test
    void whileTheCacheIsMissingExactlyOneWorkerTrains() {
        AotCache cache = new AotCache(dir.resolve("app.aot"));

        List<String> first = cache.optionsFor("worker 0");
        cache.spawned(first, 100);
        List<String> second = cache.optionsFor("worker 1");
        cache.spawned(second, 101);

        assertTrue(first.getFirst().startsWith(TRAIN + dir.resolve("app.aot.")), first.toString());
        assertTrue(first.getFirst().endsWith(".training"), first.toString());
        assertEquals(List.of(), second, "a second worker trained while the first did");
    }

    @Test
    void theTrainingRunsFileIsMovedIntoPlaceWhenItExitsAndLaterWorkersMapIt() throws IOException {
        Path file = dir.resolve("app.aot");
        AotCache cache = new AotCache(file);
        List<String> training = train(cache, new byte[] {1, 2, 3}); // what the JVM writes as it exits

        cache.exited(100, ExitStatus.exited(0));

        assertEquals(3, Files.size(file));
        assertFalse(Files.exists(trainingFile(training)), "the training file is left behind");
        assertEquals(List.of(MAP + file), cache.optionsFor("worker 1"));
    }

    @Test
    void aTrainingRunKilledBeforeItsCacheWasWrittenLeavesNothingAndTheNextWorkerTrains() throws IOException {
        Path file = dir.resolve("app.aot");
        AotCache cache = new AotCache(file);
        List<String> training = train(cache, new byte[] {1}); // half-written when SIGKILL came

        cache.exited(100, ExitStatus.killed(9));

        assertFalse(Files.exists(file), "a killed training run's file was installed");
        assertFalse(Files.exists(trainingFile(training)), "the half-written file is left behind");
        List<String> next = cache.optionsFor("worker 0");
        assertTrue(next.getFirst().startsWith(TRAIN), next.toString());
        assertNotEquals(training, next, "the next training run reuses the killed run's file name");
    }

    @Test
    void afterTwoTrainingRunsInARowWereKilledTheBuildIsTrainedNoMore() {
        AotCache cache = new AotCache(dir.resolve("app.aot"));
        train(cache, new byte[] {1});
        cache.exited(100, ExitStatus.killed(9)); // killed at the stop timeout while its JVM wrote the cache
        train(cache, new byte[] {1});

        cache.exited(100, ExitStatus.killed(9));

        assertEquals(List.of(), cache.optionsFor("worker 0"), "a third training run, which the timeout would kill too");
    }

    @Test
    void aTrainingRunThatExitsWithoutWritingAnythingIsRetried() {
        AotCache cache = new AotCache(dir.resolve("app.aot"));
        train(cache, new byte[0]);

        cache.exited(100, ExitStatus.exited(1));

        assertTrue(cache.optionsFor("worker 0").getFirst().startsWith(TRAIN));
    }

    @Test
    void aTrainingWorkerThatCouldNotBeForkedFreesTheTurn() {
        AotCache cache = new AotCache(dir.resolve("app.aot"));
        cache.spawnFailed(cache.optionsFor("worker 0"));

        assertTrue(cache.optionsFor("worker 1").getFirst().startsWith(TRAIN));
    }

    @Test
    void otherWorkersExitingChangeNothing() {
        Path file = dir.resolve("app.aot");
        AotCache cache = new AotCache(file);
        train(cache, new byte[] {1});

        cache.exited(101, ExitStatus.exited(0));

        assertFalse(Files.exists(file));
        assertEquals(List.of(), cache.optionsFor("worker 1"), "training was considered over");
    }

    @Test
    void anExistingCacheOfACommandThatIsNotJavaIsMappedAsItIs() throws IOException {
        Path file = Files.write(dir.resolve("app.aot"), new byte[] {1});

        assertEquals(List.of(MAP + file), new AotCache(file).optionsFor("worker 0"));
    }

    @Test
    void anEmptyFileIsNoCache() throws IOException {
        Path file = Files.createFile(dir.resolve("app.aot"));

        assertTrue(new AotCache(file).optionsFor("worker 0").getFirst().startsWith(TRAIN));
    }

    @Test
    void aJavaWorkerRecordsAndTheMasterAssemblesTheCacheWithTheWorkersOwnOptionsOnceItHasExited() throws IOException {
        Path java = fakeJdk(dir, "jdk", "25.0.3");
        Path app = jar(dir.resolve("app.jar"), "version 1");
        Path file = dir.resolve("app.aot");
        AotCache cache = of(options(java, List.of("-Xmx1g", "-Dapp.env=prod", "-jar", app.toString(), "--port", "8080"),
                AotCacheMode.file(file)), java);

        List<String> training = train(cache, new byte[] {1, 2});
        assertEquals("-XX:AOTMode=record", training.getFirst());
        assertEquals(List.of(), assemblies, "assembled before the worker exited");
        cache.exited(100, ExitStatus.exited(0));

        Path output = Path.of(trainingFile(training).toString().replaceFirst("\\.aotconf$", ""));
        assertEquals(List.of(List.of(java.toString(), "-Xmx1g", "-Dapp.env=prod", "-XX:AOTMode=create",
                "-XX:AOTConfiguration=" + trainingFile(training), "-XX:AOTCache=" + output,
                "-Xlog:aot=error,aot+resolve=error,cds=error", "-jar", app.toString())), assemblies,
                "the worker's JVM options and what it runs, not the program's arguments");
        assertEquals(4, Files.size(file), "the assembled cache is installed");
        assertFalse(Files.exists(trainingFile(training)), "the recorded configuration is left behind");
        assertFalse(Files.exists(output));
    }

    @Test
    void aStoppingMasterWaitsForTheCacheBeingAssembledAndInstallsIt() throws Exception {
        Path java = fakeJdk(dir, "jdk", "25.0.3");
        Path file = dir.resolve("app.aot");
        java.util.concurrent.CompletableFuture<Integer> running = new java.util.concurrent.CompletableFuture<>();
        List<Path> outputs = new ArrayList<>();
        AotCache cache = AotCacheSetup.of(options(java, List.of("-jar", jar(dir.resolve("app.jar"), "v1").toString()),
                AotCacheMode.file(file)), java, (command, environment, log) -> {
            outputs.add(Path.of(command.stream().filter(arg -> arg.startsWith(MAP)).findFirst().orElseThrow().substring(MAP.length())));
            return new CacheAssembler.Assembly(running, () -> { });
        });
        train(cache, new byte[] {1});
        cache.exited(100, ExitStatus.exited(0));
        assertEquals(List.of(), cache.optionsFor("worker 1"), "a second training run while the first assembles");
        cache.spawnFailed(List.of());

        Thread stopping = Thread.ofPlatform().start(cache::close);
        stopping.join(200);
        assertTrue(stopping.isAlive(), "the master stopped before the assembly ended");
        Files.write(outputs.getFirst(), new byte[] {5, 5});
        running.complete(0);
        stopping.join(10_000);

        assertFalse(stopping.isAlive());
        assertEquals(2, Files.size(file));
    }

    @Test
    void aFailedAssemblyInstallsNothingAndTheNextWorkerTrains() throws IOException {
        Path java = fakeJdk(dir, "jdk", "25.0.3");
        Path file = dir.resolve("app.aot");
        AotCache cache = of(options(java, List.of("-jar", jar(dir.resolve("app.jar"), "v1").toString()), AotCacheMode.file(file)), java);
        assemblyExitCode = 1;

        List<String> training = train(cache, new byte[] {1});
        cache.exited(100, ExitStatus.exited(0));

        assertFalse(Files.exists(file));
        assertFalse(Files.exists(trainingFile(training)));
        assertTrue(trains(cache.optionsFor("worker 0")));
    }

    @Test
    void aNamedFileIsMappedOnlyByTheBuildItWasTrainedForAndAStaleOneIsRetrained() throws IOException {
        Path java = fakeJdk(dir, "jdk", "25.0.3");
        Path app = jar(dir.resolve("app.jar"), "version 1");
        Path file = dir.resolve("app.aot");
        AotCache cache = of(options(java, List.of("-jar", app.toString()), AotCacheMode.file(file)), java);

        train(cache, new byte[] {1, 2});
        cache.exited(100, ExitStatus.exited(0));
        assertEquals(List.of(MAP + file), cache.optionsFor("worker 1"));
        String trainedFor = Files.readString(dir.resolve("app.aot.key"));
        assertTrue(trainedFor.contains("\njar " + app + " size="), trainedFor);

        Files.setLastModifiedTime(app, FileTime.fromMillis(1_800_000_000_000L)); // a deploy
        List<String> afterDeploy = cache.optionsFor("worker 0");
        assertTrue(trains(afterDeploy) && trainingFile(afterDeploy).startsWith(dir)
                && trainingFile(afterDeploy).getFileName().toString().startsWith("app.aot."), "a stale cache was mapped: " + afterDeploy);
        cache.spawned(afterDeploy, 102);
        Files.write(trainingFile(afterDeploy), new byte[] {3, 4, 5});
        assembled = new byte[] {9, 9, 9};
        cache.exited(102, ExitStatus.exited(0));

        assertEquals(List.of(MAP + file), cache.optionsFor("worker 1"));
        assertEquals(3, Files.size(file));
        assertNotEquals(trainedFor, Files.readString(dir.resolve("app.aot.key")));
    }

    @Test
    void aNamedFileWithoutAKeyIsRetrainedForAJavaCommand() throws IOException {
        Path java = fakeJdk(dir, "jdk", "25.0.3");
        Path file = Files.write(dir.resolve("app.aot"), new byte[] {1}); // of an earlier version, or of unknown origin
        AotCache cache = of(options(java, List.of("-jar", jar(dir.resolve("app.jar"), "v1").toString()),
                AotCacheMode.file(file)), java);

        List<String> options = cache.optionsFor("worker 0");

        assertTrue(trains(options) && trainingFile(options).getFileName().toString().startsWith("app.aot."), options.toString());
    }

    @Test
    void byDefaultEachBuildTrainsAndMapsAFileOfItsOwnInTheCacheDirectory() throws IOException {
        Path java = fakeJdk(dir, "jdk", "25.0.3");
        Path app = jar(dir.resolve("app.jar"), "version 1");
        Path caches = dir.resolve("cache/clusterflock/aot");
        AotCache cache = of(options(java, List.of("-Xmx1g", "-jar", app.toString()), AotCacheMode.automatic()), java);
        assertNotNull(cache);
        assertTrue(Files.isDirectory(caches), "the cache directory is created");

        List<String> first = train(cache, new byte[] {1});
        cache.exited(100, ExitStatus.exited(0));
        Path installed = cacheFileOf(first);
        assertTrue(installed.getFileName().toString().matches("app\\.Main-[0-9a-f]{16}\\.aot"), installed.toString());
        assertEquals(List.of(MAP + installed), cache.optionsFor("worker 1"));

        jar(app, "version 2, rebuilt", null, 1_800_000_000_000L);
        List<String> afterDeploy = cache.optionsFor("worker 0");

        assertTrue(trains(afterDeploy), afterDeploy.toString());
        assertEquals(caches, cacheFileOf(afterDeploy).getParent());
        assertTrue(cacheFileOf(afterDeploy).getFileName().toString().startsWith("app.Main-"), afterDeploy.toString());
        assertNotEquals(installed, cacheFileOf(afterDeploy), "the new build trains the old build's file");
        assertTrue(Files.exists(installed), "the old build's cache is kept for a rollback");
    }

    @Test
    void oneTrainingRunPerCacheFileSoANewBuildTrainsWhileTheOldBuildsRunStillServes() throws IOException {
        Path java = fakeJdk(dir, "jdk", "25.0.3");
        Path app = jar(dir.resolve("app.jar"), "version 1");
        AotCache cache = of(options(java, List.of("-jar", app.toString()), AotCacheMode.automatic()), java);
        train(cache, new byte[] {1});
        assertEquals(List.of(), cache.optionsFor("worker 1"), "the same build trained twice");
        cache.spawned(List.of(), 101);

        jar(app, "version 2, rebuilt", null, 1_800_000_000_000L);
        List<String> newBuild = cache.optionsFor("worker 0");

        assertTrue(trains(newBuild), "the new build waits for the old build's training run: " + newBuild);
    }

    @Test
    void theAutomaticCacheIsSkippedWhereItCannotWork() throws IOException {
        Path java = fakeJdk(dir, "jdk", "25.0.3");
        String app = jar(dir.resolve("app.jar"), "v1").toString();
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Files.createFile(classes.resolve("App.class"));
        Path old = fakeJdk(dir, "jdk21", "21.0.5");
        Path notADirectory = Files.createFile(dir.resolve("file"));

        assertEquals(Optional.of("they run JDK 21 (" + old + "); the AOT cache needs 25"), unusable(old, List.of("-jar", app)));
        assertEquals(Optional.of("their class path has the directory " + classes + " (the JVM caches classes from jar files only)"),
                unusable(java, List.of("-cp", app + ":" + classes, "App")));
        assertEquals(Optional.of("their JVM options choose their own (-XX:SharedArchiveFile=app.jsa)"),
                unusable(java, List.of("-XX:SharedArchiveFile=app.jsa", "-jar", app)));
        assertEquals(Optional.of("their JVM options choose their own (-Xshare:off)"),
                AotCacheSetup.unusable(WorkerJvm.of(java, List.of("-jar", app), name -> null),
                        Map.of("JAVA_TOOL_OPTIONS", "-Xmx1g -Xshare:off")::get, dir));
        assertTrue(unusable(java, List.of("@jvm.options", "-jar", app)).orElseThrow().contains("@argfile"));
        assertTrue(AotCacheSetup.unusable(WorkerJvm.of(java, List.of("-jar", app), name -> null), name -> null,
                notADirectory.resolve("aot")).orElseThrow().startsWith("cannot create " + notADirectory.resolve("aot")));
        assertEquals(Optional.empty(), unusable(java, List.of("-cp", app + ":" + Files.createDirectories(dir.resolve("empty")), "App")),
                "the JVM takes empty directories");
        Path modules = Files.createDirectories(dir.resolve("modules"));
        jar(modules.resolve("shop.jar"), "a modular jar");
        assertEquals(Optional.empty(), unusable(java, List.of("-p", modules.toString(), "-m", "shop/app.Main")),
                "a module path of jars");
        assertEquals(Optional.of("their module path has the directory " + classes + " (the JVM caches classes from jar files only)"),
                unusable(java, List.of("-p", classes.toString(), "-m", "shop/app.Main")), "an exploded module");

        assertNull(AotCacheSetup.of(options(old, List.of("-jar", app), AotCacheMode.automatic()), old), "no error, no cache");
        assertNull(AotCacheSetup.of(options(Path.of("/bin/sh"), List.of("-c", "exec java -jar app.jar"), AotCacheMode.automatic()),
                Path.of("/bin/sh")), "a command that is not java gets no automatic cache");
        assertNull(AotCacheSetup.of(options(java, List.of("-jar", app), AotCacheMode.off()), java));
    }

    @Test
    void aNamedFileForAJavaOlderThan25IsRefusedWithItsVersion() throws IOException {
        Path java = fakeJdk(dir, "jdk17", "17.0.12");

        ClusterException e = assertThrows(ClusterException.class,
                () -> AotCacheSetup.of(options(java, List.of(), AotCacheMode.file(dir.resolve("app.aot"))), java));

        assertEquals("--aot-cache needs workers on JDK 25 or later; " + java + " is JDK 17", e.getMessage());
    }

    @Test
    void aNamedFileIsTakenForJdk25AndForCommandsThatAreNotJava() throws IOException {
        Path file = dir.resolve("app.aot");
        assertEquals(25, AotCacheSetup.featureVersion(fakeJdk(dir, "jdk25", "25.0.3")));
        assertNotNull(AotCacheSetup.of(options(fakeJdk(dir, "jdk25b", "25"), List.of("-jar", "app.jar"), AotCacheMode.file(file)),
                fakeJdk(dir, "jdk25b", "25")));
        assertNotNull(AotCacheSetup.of(options(Path.of("/bin/sh"), List.of("-cp", dir.toString()), AotCacheMode.file(file)),
                Path.of("/bin/sh")));
        assertFalse(AotCache.isJava(Path.of("/usr/bin/javac")));
        assertTrue(AotCache.isJava(Path.of("/usr/lib/jvm/x/bin/java")));
    }

    @Test
    void aNamedFileWithADirectoryOnTheClassPathIsRefusedBecauseTheJvmWouldNeverWriteTheCache() throws IOException {
        Path java = fakeJdk(dir, "jdk25", "25.0.3");
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Files.createFile(classes.resolve("App.class"));

        ClusterException e = assertThrows(ClusterException.class, () -> AotCacheSetup.of(
                options(java, List.of("-Xmx1g", "-cp", "app.jar:" + classes, "App"), AotCacheMode.file(dir.resolve("app.aot"))), java));

        assertEquals("--aot-cache needs a class path of jar files (the JVM caches no classes from directories);"
                + " the workers' class path has the directory " + classes, e.getMessage());
    }

    @Test
    void leftoversOfMastersThatAreGoneAreRemovedAtStartAndARunningMastersAreKept() throws IOException {
        long gone = 4_000_000;
        while (ProcessHandle.of(gone).isPresent()) {
            gone++;
        }
        Path deadRun = Files.createFile(dir.resolve("app.aot." + gone + "-1.training"));
        Path deadConfig = Files.createFile(dir.resolve("app.aot." + gone + "-2.training.config"));
        Path deadKey = Files.createFile(dir.resolve("app.aot." + gone + "-2.training.key"));
        Path liveRun = Files.createFile(dir.resolve("app.aot." + ProcessHandle.current().pid() + "-1.training"));
        Path unrelated = Files.createFile(dir.resolve("other.aot." + gone + "-1.training"));

        AotCacheSetup.of(options(Path.of("/bin/sh"), List.of(), AotCacheMode.file(dir.resolve("app.aot"))), Path.of("/bin/sh"));

        assertFalse(Files.exists(deadRun));
        assertFalse(Files.exists(deadConfig));
        assertFalse(Files.exists(deadKey));
        assertTrue(Files.exists(liveRun), "a running master's training file was removed");
        assertTrue(Files.exists(unrelated), "another cache's file was removed");
    }

    private Optional<String> unusable(Path java, List<String> args) {
        return AotCacheSetup.unusable(WorkerJvm.of(java, args, name -> null), name -> null, dir.resolve("cache"));
    }

    /** The options of a cluster of {@code java args...}, its automatic caches under {@code dir/cache/clusterflock/aot}. */
    private ClusterOptions options(Path java, List<String> args, AotCacheMode mode) {
        List<String> command = new ArrayList<>(List.of(java.toString()));
        command.addAll(args);
        return ClusterOptions.builder().command(command).port(0).inheritEnvironment(false).aotCache(mode)
                .aotCacheDir(dir.resolve("cache/clusterflock/aot")).build();
    }

    /** Worker 0 (pid 100) becomes the training run; its JVM has written {@code written} so far. */
    private static List<String> train(AotCache cache, byte[] written) {
        List<String> training = cache.optionsFor("worker 0", name -> null);
        cache.spawned(training, 100);
        if (written.length > 0) {
            try {
                Files.write(trainingFile(training), written);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return training;
    }

    /** The file the training JVM writes as it exits: in one step the cache, in two the recorded configuration. */
    private static Path trainingFile(List<String> options) {
        return options.stream().filter(option -> option.startsWith(TRAIN) || option.startsWith(RECORD))
                .map(option -> Path.of(option.substring(option.indexOf('=') + 1))).findFirst()
                .orElseThrow(() -> new AssertionError("not a training run: " + options));
    }

    /** The cache file a training run's options are for. */
    private static Path cacheFileOf(List<String> options) {
        return Path.of(trainingFile(options).toString().replaceFirst("\\.\\d+-\\d+\\.training(\\.aotconf)?$", ""));
    }

    /** Whether {@code options} make a training run, in one step or two. */
    private static boolean trains(List<String> options) {
        return !options.isEmpty() && (options.getFirst().startsWith(TRAIN) || options.getFirst().equals("-XX:AOTMode=record"));
    }

    /** Assembles as {@code java -XX:AOTMode=create} would, writing {@link #assembled} bytes, and keeps each command. */
    private final List<List<String>> assemblies = new ArrayList<>();
    private byte[] assembled = {7, 7, 7, 7};
    private int assemblyExitCode = 0;
    private final CacheAssembler fakeAssembler = (command, environment, log) -> {
        assemblies.add(command);
        String output = command.stream().filter(arg -> arg.startsWith("-XX:AOTCache=")).findFirst().orElseThrow();
        if (assemblyExitCode == 0) {
            Files.write(Path.of(output.substring("-XX:AOTCache=".length())), assembled);
        }
        return new CacheAssembler.Assembly(java.util.concurrent.CompletableFuture.completedFuture(assemblyExitCode), () -> { });
    };

    private AotCache of(ClusterOptions options, Path command) {
        return AotCacheSetup.of(options, command, fakeAssembler);
    }
}
