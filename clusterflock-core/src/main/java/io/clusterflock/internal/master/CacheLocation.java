package io.clusterflock.internal.master;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a cluster's AOT cache files are, and how a file is known to fit a build: a file the
 * operator named ({@link CacheFile}), or one file per build in a cache directory
 * ({@link CacheDirectory}). Used on the supervisor thread only, through {@link AotCache}.
 */
sealed interface CacheLocation permits CacheFile, CacheDirectory {
    /** The cache file for a build, and whether what is there was trained for it. */
    record Target(Path file, boolean current) { }

    /**
     * The file to map or to train for {@code key}; none when the master cannot tell the workers'
     * build (a command that is not the java launcher).
     */
    Target target(Optional<BuildKey> key);

    /** A worker is being started on {@code file}. */
    void mapped(Path file);

    /** Moves {@code written}, a training run's complete cache, into place as {@code target}. */
    void install(Path written, Path target, Optional<BuildKey> key) throws IOException;

    /** The directory where the training runs write. */
    Path directory();

    /**
     * A training run's files: {@code <cache file>.<master pid>-<n>.training}, and beside it what the
     * JVM recorded ({@code .aotconf}; {@code .config} in one step), the assembly's {@code .log}, the key.
     */
    Pattern TRAINING = Pattern.compile("(.+)\\.(\\d+)-\\d+\\.training(\\.config|\\.aotconf|\\.log|\\.key)?");

    /**
     * Removes what the training runs of masters no longer running left behind (a master killed
     * while its worker trained).
     */
    default void removeLeftovers() {
        try (var files = Files.list(directory())) {
            files.forEach(file -> {
                Matcher m = TRAINING.matcher(file.getFileName().toString());
                if (m.matches() && isOurs(m.group(1)) && ProcessHandle.of(Long.parseLong(m.group(2))).isEmpty()) {
                    deleteQuietly(file);
                }
            });
        } catch (IOException | RuntimeException e) {
            // nothing to clean, or not ours to clean: leftovers do no harm
        }
    }

    /** Whether a training run for cache file {@code name} is one of this location's. */
    boolean isOurs(String name);

    /** A file that exists and is not empty: a JVM writes nothing at all or a complete cache. */
    static boolean usable(Path path) {
        try {
            return Files.isRegularFile(path) && Files.size(path) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // a leftover file does no harm: workers only ever map installed caches
        }
    }
}
