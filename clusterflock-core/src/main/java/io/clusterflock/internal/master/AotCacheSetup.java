package io.clusterflock.internal.master;

import io.clusterflock.AotCacheMode;
import io.clusterflock.ClusterException;
import io.clusterflock.ClusterOptions;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which AOT cache a cluster's workers get, decided once as the master starts: none
 * ({@code --aot-cache off}), the operator's file, checked so that one that can never work is
 * refused before anything starts, or the automatic one, quietly skipped where it cannot work.
 */
final class AotCacheSetup {
    private static final System.Logger LOG = System.getLogger("io.clusterflock");
    /** The JDK's release file: JAVA_VERSION="25.0.3". */
    private static final Pattern RELEASE_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");
    static final int MIN_FEATURE = 25;
    /** JVM options and their prefixes by which a command chooses its own class data or AOT cache. */
    private static final List<String> OWN_CACHE = List.of("-XX:AOTCache", "-XX:AOTCacheOutput", "-XX:AOTMode",
            "-XX:AOTConfiguration", "-XX:SharedArchiveFile", "-XX:ArchiveClassesAtExit", "-Xshare:");

    private AotCacheSetup() {}

    /**
     * The cache of a cluster whose worker command is {@code command} (resolved), or null without
     * one: {@code --aot-cache off}, or an automatic cache that cannot work here (the reason is
     * logged in one line).
     *
     * @throws ClusterException when an explicit FILE can never be a cache: the JDK is too old
     *                          (the JVM would not even start with the option), or the class path
     *                          has a directory (the JVM refuses to write the cache)
     */
    static AotCache of(ClusterOptions options, Path command) {
        return of(options, command, CacheAssembler.PROCESS);
    }

    /** {@link #of(ClusterOptions, Path)} with {@code assembler} running the second step of training. */
    static AotCache of(ClusterOptions options, Path command, CacheAssembler assembler) {
        List<String> args = options.command().subList(1, options.command().size());
        Function<String, String> environment = WorkerJvm.environmentOf(options);
        AotCache cache = switch (options.aotCache()) {
            case AotCacheMode.Off off -> null;
            case AotCacheMode.InFile(Path file) -> named(file, command, args, environment, assembler);
            // Workers of another user cannot write the master's cache directory: no automatic cache for them.
            case AotCacheMode.Automatic automatic when options.user().isPresent() || options.group().isPresent() -> null;
            case AotCacheMode.Automatic automatic -> automatic(options.aotCacheDir(), command, args, environment, assembler);
        };
        if (cache != null) {
            cache.removeLeftovers();
        }
        return cache;
    }

    private static AotCache named(Path file, Path command, List<String> args, Function<String, String> environment,
                                  CacheAssembler assembler) {
        if (!AotCache.isJava(command)) {
            return new AotCache(file);
        }
        int feature = featureVersion(command);
        if (feature > 0 && feature < MIN_FEATURE) {
            throw new ClusterException("--aot-cache needs workers on JDK " + MIN_FEATURE + " or later; "
                    + command + " is JDK " + feature);
        }
        WorkerJvm worker = WorkerJvm.of(command, args, environment);
        directoryEntry(worker).ifPresent(entry -> {
            throw new ClusterException("--aot-cache needs a class path of jar files (the JVM caches no classes"
                    + " from directories); the workers' " + entry);
        });
        return new AotCache(new CacheFile(file), Optional.of(worker), assembler);
    }

    /** An automatic cache, or null and one line that says why not (debug level for commands that are not JVMs). */
    private static AotCache automatic(Path dir, Path command, List<String> args, Function<String, String> environment,
                                      CacheAssembler assembler) {
        if (!AotCache.isJava(command)) {
            LOG.log(System.Logger.Level.DEBUG, "no AOT cache: the worker command is not the java launcher");
            return null;
        }
        WorkerJvm worker = WorkerJvm.of(command, args, environment);
        Optional<String> unusable = unusable(worker, environment, dir);
        if (unusable.isPresent()) {
            LOG.log(System.Logger.Level.INFO, "no AOT cache for the workers: " + unusable.get());
            return null;
        }
        return new AotCache(new CacheDirectory(dir, worker.appName()), Optional.of(worker), assembler);
    }

    /** Why an automatic cache cannot work for {@code worker}, if it cannot. */
    static Optional<String> unusable(WorkerJvm worker, Function<String, String> environment, Path dir) {
        int feature = featureVersion(worker.java());
        if (feature < MIN_FEATURE) {
            return Optional.of(feature == 0 ? worker.java() + " has no JDK release file to tell its version"
                    : "they run JDK " + feature + " (" + worker.java() + "); the AOT cache needs " + MIN_FEATURE);
        }
        if (worker.argumentFiles()) {
            return Optional.of("their JVM options read an @argfile, which the master cannot key the cache by");
        }
        Stream<String> fromVariables = BuildKey.OPTION_VARIABLES.stream().map(environment).filter(Objects::nonNull)
                .flatMap(value -> Stream.of(value.strip().split("\\s+")));
        Optional<String> own = Stream.concat(worker.options().stream(), fromVariables)
                .filter(option -> OWN_CACHE.stream().anyMatch(option::startsWith)).findFirst();
        if (own.isPresent()) {
            return Optional.of("their JVM options choose their own (" + own.get() + ")");
        }
        Optional<String> directory = directoryEntry(worker);
        if (directory.isPresent()) {
            return Optional.of("their " + directory.get() + " (the JVM caches classes from jar files only)");
        }
        if (!dir.isAbsolute()) {
            return Optional.of("no cache directory (no home directory): set --aot-cache-dir");
        }
        try {
            Files.createDirectories(dir);
            if (!Files.isWritable(dir)) {
                return Optional.of("cannot write to " + dir);
            }
        } catch (IOException | SecurityException e) {
            return Optional.of("cannot create " + dir + " (" + (e instanceof AccessDeniedException ? "permission denied"
                    : e.getMessage()) + ")");
        }
        return Optional.empty();
    }

    /**
     * The first entry the JVM writes no cache with, as "class path has the directory X": a
     * non-empty directory on the class path, or one on the module path that holds more than
     * modular jars (an exploded module).
     */
    private static Optional<String> directoryEntry(WorkerJvm worker) {
        return worker.classPath().stream().filter(entry -> isNonEmptyDirectory(Path.of(entry.isEmpty() ? "." : entry)))
                .map(entry -> "class path has the directory " + entry)
                .findFirst().or(() -> worker.modulePath().stream().filter(entry -> holdsMoreThanJars(Path.of(entry)))
                        .map(entry -> "module path has the directory " + entry).findFirst());
    }

    private static boolean holdsMoreThanJars(Path path) {
        if (!Files.isDirectory(path)) {
            return false;
        }
        try (var entries = Files.list(path)) {
            return entries.anyMatch(entry -> !entry.getFileName().toString().endsWith(".jar"));
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isNonEmptyDirectory(Path path) {
        if (!Files.isDirectory(path)) {
            return false;
        }
        try (var entries = Files.list(path)) {
            return entries.findAny().isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    /** The JDK feature version from the release file next to a java launcher; 0 when unknown. */
    static int featureVersion(Path java) {
        try {
            Path release = java.toRealPath().getParent().getParent().resolve("release");
            Matcher m = RELEASE_VERSION.matcher(Files.readString(release));
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

}
