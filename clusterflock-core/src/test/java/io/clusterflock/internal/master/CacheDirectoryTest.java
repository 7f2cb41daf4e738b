package io.clusterflock.internal.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One file per build, named by its key; a program's old builds pruned, a few kept; unused caches of any program go. */
class CacheDirectoryTest {
    @TempDir
    Path dir;

    private Path cache(String name, Duration age) throws IOException {
        Path file = Files.write(dir.resolve(name), new byte[] {1});
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(age)));
        return file;
    }

    private List<String> files() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aBuildsFileIsNamedByTheProgramAndTheKey() throws IOException {
        CacheDirectory location = new CacheDirectory(dir, "app.Main");
        BuildKey key = new BuildKey("jdk x\n");

        CacheLocation.Target target = location.target(Optional.of(key));

        assertEquals(dir.resolve("app.Main-" + key.id() + ".aot"), target.file());
        assertFalse(target.current(), "nothing trained yet");
        Files.write(target.file(), new byte[] {1});
        assertTrue(location.target(Optional.of(key)).current());
        assertFalse(location.target(Optional.of(new BuildKey("jdk y\n"))).current(), "another build has a file of its own");
    }

    @Test
    void installingKeepsTheProgramsThreeMostRecentlyUsedCachesAndOtherProgramsRecentOnes() throws IOException {
        cache("app.Main-0000000000000001.aot", Duration.ofHours(5));
        cache("app.Main-0000000000000002.aot", Duration.ofHours(4));
        cache("app.Main-0000000000000003.aot", Duration.ofHours(1)); // mapped an hour ago
        cache("app.Main-0000000000000004.aot", Duration.ofHours(3));
        cache("other.Main-0000000000000001.aot", Duration.ofDays(29));
        cache("gone.Main-0000000000000001.aot", Duration.ofDays(31));
        cache("notes.txt", Duration.ofDays(400));
        Path written = Files.write(dir.resolve("app.Main-0000000000000005.aot.42-1.training"), new byte[] {1, 2});

        new CacheDirectory(dir, "app.Main").install(written, dir.resolve("app.Main-0000000000000005.aot"), Optional.empty());

        assertEquals(List.of("app.Main-0000000000000003.aot", "app.Main-0000000000000004.aot", "app.Main-0000000000000005.aot",
                "notes.txt", "other.Main-0000000000000001.aot"), files());
    }

    @Test
    void mappingACacheMarksItUsedSoPruningKeepsIt() throws IOException {
        Path old = cache("app.Main-0000000000000001.aot", Duration.ofDays(10));

        new CacheDirectory(dir, "app.Main").mapped(old);

        assertTrue(Files.getLastModifiedTime(old).toInstant().isAfter(Instant.now().minus(Duration.ofMinutes(1))));
    }

    @Test
    void trainingLeftoversOfMastersThatAreGoneAreRemovedAndARunningMastersAreKept() throws IOException {
        long gone = 4_000_000;
        while (ProcessHandle.of(gone).isPresent()) {
            gone++;
        }
        cache("app.Main-0000000000000001.aot." + gone + "-1.training", Duration.ZERO);
        cache("app.Main-0000000000000001.aot." + gone + "-1.training.config", Duration.ZERO);
        cache("app.Main-0000000000000002.aot." + ProcessHandle.current().pid() + "-2.training", Duration.ZERO);
        cache("unrelated." + gone + "-1.training", Duration.ZERO);

        new CacheDirectory(dir, "app.Main").removeLeftovers();

        assertEquals(List.of("app.Main-0000000000000002.aot." + ProcessHandle.current().pid() + "-2.training",
                "unrelated." + gone + "-1.training"), files());
    }
}
