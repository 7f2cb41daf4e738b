package io.clusterflock.internal.master;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The automatic caches: one file per build in a cache directory, {@code <app>-<key id>.aot}, so a
 * deploy (a new jar, another JDK) gets a file of its own and no worker maps a cache trained for
 * other code. A file's modification time is when it was last installed or mapped; after each
 * install the program's older files beyond the {@link #KEEP} most recent are removed (a rollback
 * to either of the two builds before still finds its cache), and any cache not used for
 * {@link #UNUSED} (a program that went away), whoever it belonged to.
 *
 * @param dir the cache directory (it exists and the master may write it)
 * @param app the program's name in its files' names ({@link WorkerJvm#appName})
 */
record CacheDirectory(Path dir, String app) implements CacheLocation {
    static final int KEEP = 3;
    static final Duration UNUSED = Duration.ofDays(30);
    private static final Pattern CACHE = Pattern.compile(".+-[0-9a-f]{16}\\.aot");

    /** The file of one build. */
    Path fileFor(BuildKey key) {
        return dir.resolve(app + "-" + key.id() + ".aot");
    }

    /** Automatic caches exist only for java commands, whose build is always keyed. */
    @Override
    public Target target(Optional<BuildKey> key) {
        Path file = fileFor(key.orElseThrow(() -> new IllegalStateException("an automatic AOT cache without a build key")));
        return new Target(file, CacheLocation.usable(file));
    }

    @Override
    public void mapped(Path file) {
        touch(file);
    }

    @Override
    public void install(Path written, Path target, Optional<BuildKey> key) throws IOException {
        Files.move(written, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        touch(target);
        prune();
    }

    /** Removes the program's caches beyond the {@link #KEEP} most recently used, and every cache unused for {@link #UNUSED}. */
    void prune() {
        Pattern ours = Pattern.compile(Pattern.quote(app) + "-[0-9a-f]{16}\\.aot");
        Instant cutoff = Instant.now().minus(UNUSED);
        List<Path> caches;
        try (Stream<Path> files = Files.list(dir)) {
            caches = files.filter(file -> CACHE.matcher(file.getFileName().toString()).matches())
                    .sorted(Comparator.comparing(CacheDirectory::lastUsed).reversed()).toList();
        } catch (IOException e) {
            return;
        }
        int kept = 0;
        for (Path cache : caches) {
            boolean mine = ours.matcher(cache.getFileName().toString()).matches();
            if (mine && kept < KEEP && lastUsed(cache).toInstant().isAfter(cutoff)) {
                kept++;
            } else if (mine || lastUsed(cache).toInstant().isBefore(cutoff)) {
                CacheLocation.deleteQuietly(cache); // a JVM that maps it keeps its pages: unlinking is safe
            }
        }
    }

    @Override
    public Path directory() {
        return dir;
    }

    @Override
    public boolean isOurs(String name) {
        return CACHE.matcher(name).matches();
    }

    private static FileTime lastUsed(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    private static void touch(Path file) {
        try {
            Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
        } catch (IOException e) {
            // only pruning reads it: at worst a cache in use is trained again
        }
    }
}
