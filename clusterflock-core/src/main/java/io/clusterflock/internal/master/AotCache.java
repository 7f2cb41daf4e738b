package io.clusterflock.internal.master;

import io.clusterflock.ExitStatus;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The JDK 25 ahead-of-time cache of JVM workers (JEPs 483, 514, 515): a worker JVM started with
 * {@code -XX:AOTCache=FILE} maps the classes, their linking and the method profiles of a training
 * run instead of loading, linking and profiling them again.
 *
 * <p>Each worker's build (JDK, JVM options, jars: {@link BuildKey}) picks its cache file from the
 * {@link CacheLocation}: one file per build in the cache directory by default, or the file the
 * operator named. While that file is missing or was trained for another build, one worker at a
 * time is its training run: it is started with {@code -XX:AOTCacheOutput=} a file of its own
 * next to it, its JVM writes the cache there as it exits (it waits for the JVM it launches to
 * assemble it), and the master moves the file into place in one rename, so no worker ever maps a
 * half-written cache. Workers forked while another trains the same file get no option; a training
 * run that ends without a cache (killed, or the JVM failed) leaves nothing behind and the next
 * worker forked trains again.
 *
 * <p>Used on the supervisor thread only: options as a worker is spawned, exits as the supervisor
 * takes them in (before it spawns the next worker).
 */
final class AotCache {
    private static final System.Logger LOG = System.getLogger("io.clusterflock");
    /**
     * A training JVM writes the cache as it exits, which takes seconds (3–8 s for the demo here, more
     * on a busy machine): a stop timeout shorter than that kills every training run. After this many
     * in a row the build is not trained again by this master, rather than have every one killed.
     */
    static final int KILLED_RUNS = 2;

    /** One training run: the worker, the cache file it trains, where its JVM writes, and the build it runs. */
    private record Training(String worker, Path target, Path output, Optional<BuildKey> key) {
        String option() {
            return "-XX:AOTCacheOutput=" + output;
        }
    }

    private final CacheLocation location;
    /** The JVM the workers run, when the command is the java launcher: what its builds are keyed by. */
    private final Optional<WorkerJvm> jvm;
    private final JarFacts jars = new JarFacts();
    /** Asked for by {@link #optionsFor}, until {@link #spawned} or {@link #spawnFailed}. */
    private Optional<Training> forking = Optional.empty();
    /** The training runs, by the pid of their worker; at most one per cache file. */
    private final Map<Long, Training> training = new HashMap<>();
    /** Training runs killed in a row, by cache file: at {@link #KILLED_RUNS} that file is trained no more. */
    private final Map<Path, Integer> killed = new HashMap<>();
    private long trainings;

    AotCache(CacheLocation location, Optional<WorkerJvm> jvm) {
        this.location = location;
        this.jvm = jvm;
    }

    /** The explicit {@code file}, for workers whose build the master cannot tell. */
    AotCache(Path file) {
        this(new CacheFile(file), Optional.empty());
    }

    /** Removes what training runs of masters no longer running left behind. */
    void removeLeftovers() {
        location.removeLeftovers();
    }

    /** Whether the worker command is the java launcher itself, so the option can go on its command line. */
    static boolean isJava(Path command) {
        return command.getFileName() != null && command.getFileName().toString().equals("java");
    }

    /**
     * The JVM options for the next worker, whose variables {@code environment} gives: map its
     * build's cache when it is there, else train it when no other worker does, else none.
     * {@link #spawned} or {@link #spawnFailed} must follow.
     */
    synchronized List<String> optionsFor(String workerName, Function<String, String> environment) {
        Optional<BuildKey> key;
        try {
            key = jvm.isEmpty() ? Optional.empty() : Optional.of(BuildKey.of(jvm.get(), environment, jars));
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "no AOT cache for " + workerName + ": its build cannot be read (" + e + ")");
            return List.of();
        }
        CacheLocation.Target target = location.target(key);
        if (target.current()) {
            location.mapped(target.file());
            return List.of("-XX:AOTCache=" + target.file());
        }
        if (training.values().stream().anyMatch(run -> run.target().equals(target.file()))
                || killed.getOrDefault(target.file(), 0) >= KILLED_RUNS) {
            return List.of();
        }
        Path output = target.file().resolveSibling(target.file().getFileName() + "." + ProcessHandle.current().pid()
                + "-" + (++trainings) + ".training");
        Training run = new Training(workerName, target.file(), output, key);
        forking = Optional.of(run);
        // the training run's notes on classes it cannot store are many and harmless; errors still show
        return List.of(run.option(), "-Xlog:aot=error,aot+resolve=error,cds=error");
    }

    /** {@link #optionsFor} with the master's own environment: for tests. */
    List<String> optionsFor(String workerName) {
        return optionsFor(workerName, System::getenv);
    }

    /** The worker asked for by the last {@link #optionsFor} was forked with those options. */
    synchronized void spawned(List<String> options, long pid) {
        Optional<Training> run = forking.filter(r -> options.contains(r.option()));
        forking = Optional.empty();
        run.ifPresent(r -> {
            training.put(pid, r);
            LOG.log(System.Logger.Level.INFO, r.worker() + " (pid " + pid + ") records the AOT cache " + r.target()
                    + (Files.exists(r.target()) ? " anew (the file there was trained for another build)" : "")
                    + "; it is written when that worker exits");
        });
    }

    /** The worker asked for by the last {@link #optionsFor} could not be forked. */
    synchronized void spawnFailed(List<String> options) {
        forking = Optional.empty();
    }

    /** A worker has exited: if it was a training run, its cache is moved into place (or its leftovers removed). */
    synchronized void exited(long pid, ExitStatus status) {
        Training run = training.remove(pid);
        if (run == null) {
            return;
        }
        try {
            if (!status.bySignal() && CacheLocation.usable(run.output())) {
                long bytes = Files.size(run.output());
                location.install(run.output(), run.target(), run.key());
                killed.remove(run.target());
                LOG.log(System.Logger.Level.INFO, "AOT cache " + run.target() + " written (" + mebibytes(bytes)
                        + ") by " + run.worker() + "'s training run; workers forked from now on map it");
                return;
            }
            int inARow = status.bySignal() ? killed.merge(run.target(), 1, Integer::sum) : 0;
            LOG.log(System.Logger.Level.WARNING, "AOT cache training by " + run.worker() + " (pid " + pid + ") ended with "
                    + status + " without a cache; " + (inARow >= KILLED_RUNS
                    ? inARow + " training runs in a row were killed before their JVM wrote the cache (it does so as it"
                            + " exits, which can outlast --timeout): no more for this build until the master restarts"
                    : "the next worker forked trains again"));
        } catch (AccessDeniedException e) {
            LOG.log(System.Logger.Level.WARNING, "AOT cache " + run.target() + " cannot be written (permission denied); "
                    + "the next worker forked trains again");
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "AOT cache " + run.target() + " not installed: " + e
                    + "; the next worker forked trains again");
        }
        CacheLocation.deleteQuietly(run.output());
        CacheLocation.deleteQuietly(run.output().resolveSibling(run.output().getFileName() + ".config")); // the JVM's temporary configuration
    }

    private static String mebibytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
