package io.clusterflock.internal.master;

import io.clusterflock.ClusterException;
import io.clusterflock.ExitStatus;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JDK 25 ahead-of-time cache of {@code --aot-cache FILE} (JEPs 483, 514, 515): a worker JVM
 * started with {@code -XX:AOTCache=FILE} maps the classes, their linking and the method profiles
 * of a training run instead of loading, linking and profiling them again.
 *
 * <p>While FILE is missing, one worker at a time is the training run: it is started with
 * {@code -XX:AOTCacheOutput=} a file of its own next to FILE, its JVM writes the cache there as it
 * exits (it waits for the JVM it launches to assemble it), and the master moves the file into
 * place in one rename, so no worker ever maps a half-written cache. Workers forked while another
 * trains get no option; a training run that ends without a cache (killed, or the JVM failed)
 * leaves nothing behind and the next worker forked trains again.
 *
 * <p>Used on the supervisor thread only: options as a worker is spawned, exits as the supervisor
 * takes them in (before it spawns the next worker).
 */
final class AotCache {
    private static final System.Logger LOG = System.getLogger("io.clusterflock");
    /** The JDK's release file: JAVA_VERSION="25.0.3". */
    private static final Pattern RELEASE_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");
    static final int MIN_FEATURE = 25;

    private final Path file;
    private long trainings;
    /** The training worker's pid (0 while it is being forked); -1 when none trains. */
    private long trainer = -1;
    private Path trainingFile;
    private String trainerName;

    AotCache(Path file) {
        this.file = file;
    }

    /**
     * The cache for a cluster whose worker command is {@code command} (resolved), or null without
     * {@code --aot-cache}. Refuses what can never give a cache: a JVM older than JDK 25 (it would
     * not even start with the option), and a class path with directories (the JVM refuses to
     * write the cache, on every training run).
     *
     * @throws ClusterException naming the JDK that is too old or the directory
     */
    static AotCache of(Path file, Path command, List<String> args) {
        if (file == null) {
            return null;
        }
        if (isJava(command)) {
            int feature = featureVersion(command);
            if (feature > 0 && feature < MIN_FEATURE) {
                throw new ClusterException("--aot-cache needs workers on JDK " + MIN_FEATURE + " or later; "
                        + command + " is JDK " + feature);
            }
            for (String entry : classPath(args)) {
                if (isNonEmptyDirectory(Path.of(entry))) {
                    throw new ClusterException("--aot-cache needs a class path of jar files (the JVM caches no classes"
                            + " from directories); the workers' class path has the directory " + entry);
                }
            }
        }
        AotCache cache = new AotCache(file);
        cache.removeLeftovers();
        return cache;
    }

    /**
     * Removes what the training runs of masters no longer running left next to FILE (a master
     * killed while its worker trained): {@code FILE.<master pid>-<n>.training[.config]}.
     */
    void removeLeftovers() {
        Pattern leftover = Pattern.compile(Pattern.quote(file.getFileName().toString()) + "\\.(\\d+)-\\d+\\.training(\\.config)?");
        try (var siblings = Files.list(file.getParent())) {
            siblings.forEach(sibling -> {
                Matcher m = leftover.matcher(sibling.getFileName().toString());
                if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                    deleteQuietly(sibling);
                }
            });
        } catch (IOException | RuntimeException e) {
            // nothing to clean, or not ours to clean: leftovers do no harm
        }
    }

    /** The entries of a java command line's -cp, -classpath or --class-path (before the main class). */
    static List<String> classPath(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if ((arg.equals("-cp") || arg.equals("-classpath") || arg.equals("--class-path")) && i + 1 < args.size()) {
                return List.of(args.get(i + 1).split(":"));
            }
            if (arg.startsWith("--class-path=")) {
                return List.of(arg.substring("--class-path=".length()).split(":"));
            }
            if (arg.equals("-jar") || !arg.startsWith("-")) {
                break; // what follows is the program's own
            }
        }
        return List.of();
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

    /** Whether the worker command is the java launcher itself, so the option can go on its command line. */
    static boolean isJava(Path command) {
        return command.getFileName() != null && command.getFileName().toString().equals("java");
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

    /**
     * The JVM options for the next worker: map the cache when it is there, else train it when no
     * other worker does, else none. {@link #spawned} or {@link #spawnFailed} must follow.
     */
    synchronized List<String> optionsFor(String workerName) {
        if (usable(file)) {
            return List.of("-XX:AOTCache=" + file);
        }
        if (trainer != -1) {
            return List.of();
        }
        trainer = 0;
        trainerName = workerName;
        trainingFile = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + "-" + (++trainings) + ".training");
        // the training run's notes on classes it cannot store are many and harmless; errors still show
        return List.of("-XX:AOTCacheOutput=" + trainingFile, "-Xlog:aot=error,aot+resolve=error,cds=error");
    }

    /** The worker asked for by the last {@link #optionsFor} was forked with those options. */
    synchronized void spawned(List<String> options, long pid) {
        if (trainer == 0 && isTraining(options)) {
            trainer = pid;
            LOG.log(System.Logger.Level.INFO, trainerName + " (pid " + pid + ") records the AOT cache " + file
                    + "; it is written when that worker exits");
        }
    }

    /** The worker asked for by the last {@link #optionsFor} could not be forked. */
    synchronized void spawnFailed(List<String> options) {
        if (trainer == 0 && isTraining(options)) {
            trainer = -1;
        }
    }

    /** A worker has exited: if it was the training run, its cache is moved into place (or its leftovers removed). */
    synchronized void exited(long pid, ExitStatus status) {
        if (pid != trainer || trainer <= 0) {
            return;
        }
        trainer = -1;
        Path written = trainingFile;
        try {
            if (!status.bySignal() && usable(written)) {
                long bytes = Files.size(written);
                Files.move(written, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                LOG.log(System.Logger.Level.INFO, "AOT cache " + file + " written (" + mebibytes(bytes)
                        + ") by " + trainerName + "'s training run; workers forked from now on map it");
                return;
            }
            LOG.log(System.Logger.Level.WARNING, "AOT cache training by " + trainerName + " (pid " + pid + ") ended with "
                    + status + " without a cache; the next worker forked trains again");
        } catch (AccessDeniedException e) {
            LOG.log(System.Logger.Level.WARNING, "AOT cache " + file + " cannot be written (permission denied); "
                    + "the next worker forked trains again");
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "AOT cache " + file + " not installed: " + e
                    + "; the next worker forked trains again");
        }
        deleteQuietly(written);
        deleteQuietly(written.resolveSibling(written.getFileName() + ".config")); // the JVM's temporary configuration
    }

    private static boolean isTraining(List<String> options) {
        return !options.isEmpty() && options.getFirst().startsWith("-XX:AOTCacheOutput=");
    }

    private static boolean usable(Path path) {
        try {
            return Files.isRegularFile(path) && Files.size(path) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // a leftover file does no harm: workers only ever map FILE itself
        }
    }

    private static String mebibytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
