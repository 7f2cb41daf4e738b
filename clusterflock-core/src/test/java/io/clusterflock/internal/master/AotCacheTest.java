package io.clusterflock.internal.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clusterflock.ClusterException;
import io.clusterflock.ExitStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which worker maps the AOT cache, which one trains it, and when a training run's file is installed. */
class AotCacheTest {
    @TempDir
    Path dir;

    @Test
    void whileTheCacheIsMissingExactlyOneWorkerTrains() {
        AotCache cache = new AotCache(dir.resolve("app.aot"));

        List<String> first = cache.optionsFor("worker 0");
        cache.spawned(first, 100);
        List<String> second = cache.optionsFor("worker 1");
        cache.spawned(second, 101);

        assertTrue(first.getFirst().startsWith("-XX:AOTCacheOutput=" + dir.resolve("app.aot.")), first.toString());
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
        assertEquals(List.of("-XX:AOTCache=" + file), cache.optionsFor("worker 1"));
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
        assertTrue(next.getFirst().startsWith("-XX:AOTCacheOutput="), next.toString());
        assertFalse(next.equals(training), "the next training run reuses the killed run's file name");
    }

    @Test
    void aTrainingRunThatExitsWithoutWritingAnythingIsRetried() throws IOException {
        AotCache cache = new AotCache(dir.resolve("app.aot"));
        train(cache, new byte[0]);

        cache.exited(100, ExitStatus.exited(1));

        assertTrue(cache.optionsFor("worker 0").getFirst().startsWith("-XX:AOTCacheOutput="));
    }

    @Test
    void aTrainingWorkerThatCouldNotBeForkedFreesTheTurn() {
        AotCache cache = new AotCache(dir.resolve("app.aot"));
        cache.spawnFailed(cache.optionsFor("worker 0"));

        assertTrue(cache.optionsFor("worker 1").getFirst().startsWith("-XX:AOTCacheOutput="));
    }

    @Test
    void otherWorkersExitingChangeNothing() throws IOException {
        Path file = dir.resolve("app.aot");
        AotCache cache = new AotCache(file);
        train(cache, new byte[] {1});

        cache.exited(101, ExitStatus.exited(0));

        assertFalse(Files.exists(file));
        assertEquals(List.of(), cache.optionsFor("worker 1"), "training was considered over");
    }

    @Test
    void anExistingCacheIsMappedWithoutTraining() throws IOException {
        Path file = Files.write(dir.resolve("app.aot"), new byte[] {1});

        assertEquals(List.of("-XX:AOTCache=" + file), new AotCache(file).optionsFor("worker 0"));
    }

    @Test
    void anEmptyFileIsNoCache() throws IOException {
        Path file = Files.createFile(dir.resolve("app.aot"));

        assertTrue(new AotCache(file).optionsFor("worker 0").getFirst().startsWith("-XX:AOTCacheOutput="));
    }

    @Test
    void aJavaOlderThan25IsRefusedWithItsVersion() throws IOException {
        Path java = fakeJdk("jdk17", "17.0.12");

        ClusterException e = assertThrows(ClusterException.class, () -> AotCache.of(dir.resolve("app.aot"), java, List.of()));

        assertEquals("--aot-cache needs workers on JDK 25 or later; " + java + " is JDK 17", e.getMessage());
    }

    @Test
    void jdk25AndCommandsThatAreNotJavaAreTaken() throws IOException {
        assertEquals(25, AotCache.featureVersion(fakeJdk("jdk25", "25.0.3")));
        AotCache.of(dir.resolve("app.aot"), fakeJdk("jdk25b", "25"), List.of("-jar", "app.jar"));
        AotCache.of(dir.resolve("app.aot"), Path.of("/bin/sh"), List.of("-cp", dir.toString()));
        assertNull(AotCache.of(null, Path.of("/bin/sh"), List.of()));
        assertFalse(AotCache.isJava(Path.of("/usr/bin/javac")));
        assertTrue(AotCache.isJava(Path.of("/usr/lib/jvm/x/bin/java")));
    }

    @Test
    void aClassPathWithADirectoryIsRefusedBecauseTheJvmWouldNeverWriteTheCache() throws IOException {
        Path java = fakeJdk("jdk25", "25.0.3");
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Files.createFile(classes.resolve("App.class"));

        ClusterException e = assertThrows(ClusterException.class,
                () -> AotCache.of(dir.resolve("app.aot"), java, List.of("-Xmx1g", "-cp", "app.jar:" + classes, "App")));

        assertEquals("--aot-cache needs a class path of jar files (the JVM caches no classes from directories);"
                + " the workers' class path has the directory " + classes, e.getMessage());
        assertEquals(List.of("a.jar", "b.jar"), AotCache.classPath(List.of("--class-path=a.jar:b.jar", "App")));
        assertEquals(List.of(), AotCache.classPath(List.of("-jar", "app.jar", "-cp", "x")), "the program's own arguments");
        assertEquals(List.of(), AotCache.classPath(List.of("App", "-cp", "x")), "the program's own arguments");
    }

    @Test
    void leftoversOfMastersThatAreGoneAreRemovedAtStartAndARunningMastersAreKept() throws IOException {
        long gone = 4_000_000;
        while (ProcessHandle.of(gone).isPresent()) {
            gone++;
        }
        Path deadRun = Files.createFile(dir.resolve("app.aot." + gone + "-1.training"));
        Path deadConfig = Files.createFile(dir.resolve("app.aot." + gone + "-2.training.config"));
        Path liveRun = Files.createFile(dir.resolve("app.aot." + ProcessHandle.current().pid() + "-1.training"));
        Path unrelated = Files.createFile(dir.resolve("other.aot." + gone + "-1.training"));

        AotCache.of(dir.resolve("app.aot"), Path.of("/bin/sh"), List.of());

        assertFalse(Files.exists(deadRun));
        assertFalse(Files.exists(deadConfig));
        assertTrue(Files.exists(liveRun), "a running master's training file was removed");
        assertTrue(Files.exists(unrelated), "another cache's file was removed");
    }

    /** Worker 0 (pid 100) becomes the training run; its JVM has written {@code written} so far. */
    private static List<String> train(AotCache cache, byte[] written) throws IOException {
        List<String> training = cache.optionsFor("worker 0");
        cache.spawned(training, 100);
        if (written.length > 0) {
            Files.write(trainingFile(training), written);
        }
        return training;
    }

    private Path fakeJdk(String name, String version) throws IOException {
        Path home = Files.createDirectories(dir.resolve(name));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + version + "\"\n");
        return Files.createFile(Files.createDirectories(home.resolve("bin")).resolve("java"));
    }

    private static Path trainingFile(List<String> options) {
        return Path.of(options.getFirst().substring("-XX:AOTCacheOutput=".length()));
    }
}
