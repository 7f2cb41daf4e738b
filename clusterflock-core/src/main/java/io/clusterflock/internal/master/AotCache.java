package io.clusterflock.internal.master;

import io.clusterflock.ExitStatus;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The JDK 25 ahead-of-time cache of JVM workers (JEPs 483, 514, 515): a worker JVM started with
 * {@code -XX:AOTCache=FILE} maps the classes, their linking and the method profiles of a training
 * run instead of loading, linking and profiling them again.
 *
 * <p>Each worker's build (JDK, JVM options, jars: {@link BuildKey}) picks its cache file from the
 * {@link CacheLocation}: one file per build in the cache directory by default, or the file the
 * operator named. While that file is missing or was trained for another build, one worker at a
 * time is its training run, in two steps: the worker is started with {@code -XX:AOTMode=record}
 * and its JVM writes what it loaded and profiled as it exits; the master then runs
 * {@code java -XX:AOTMode=create} on that ({@link CacheAssembler}), which writes the cache into a
 * file of its own, and moves it into place in one rename, so no worker ever maps a half-written
 * cache. A worker whose command is not the java launcher (the master cannot repeat its JVM's
 * options) trains in one step, {@code -XX:AOTCacheOutput}, its JVM assembling the cache as it exits.
 * Workers forked while another trains the same file get no option; a training run that ends without
 * a cache (killed, or the JVM failed) leaves nothing behind and the next worker forked trains again.
 *
 * <p>Used on the supervisor thread (options as a worker is spawned, exits as the supervisor takes
 * them in, before it spawns the next worker) and, for an assembly's end, on the thread that sees
 * its process exit: hence the lock. Closed as the master stops, which waits for an assembly still
 * running.
 */
final class AotCache implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.clusterflock");
    /**
     * A training JVM writes as it exits, which takes a second or more (and several seconds in one
     * step): a stop timeout shorter than that kills every training run. After this many killed in a
     * row the build is not trained again by this master, rather than have every one killed.
     */
    static final int KILLED_RUNS = 2;
    /** How long a stopping master waits for a cache being assembled before it gives up on it. */
    static final Duration ASSEMBLY_WAIT = Duration.ofSeconds(60);
    /** The training JVM's notes on classes it cannot store are many and harmless; errors still show. */
    private static final String ERRORS_ONLY = "-Xlog:aot=error,aot+resolve=error,cds=error";

    /**
     * One training run: the worker, the cache file it trains, where the cache is written first, the
     * build it runs, and, in two steps, the command that assembles the cache and its variables.
     */
    private record Training(String worker, Path target, Path output, Optional<BuildKey> key,
                            Optional<List<String>> assembly, Map<String, String> environment) {
        /** What the training JVM writes as it exits: the recorded configuration, or in one step the cache itself. */
        Path recorded() {
            return assembly.isPresent() ? output.resolveSibling(output.getFileName() + ".aotconf") : output;
        }

        List<String> options() {
            return assembly.isPresent() ? List.of("-XX:AOTMode=record", "-XX:AOTConfiguration=" + recorded(), ERRORS_ONLY)
                    : List.of("-XX:AOTCacheOutput=" + output, ERRORS_ONLY);
        }

        Path log() {
            return output.resolveSibling(output.getFileName() + ".log");
        }
    }

    private final CacheLocation location;
    /** The JVM the workers run, when the command is the java launcher: what its builds are keyed by. */
    private final Optional<WorkerJvm> jvm;
    private final CacheAssembler assembler;
    private final JarFacts jars = new JarFacts();
    /** Asked for by {@link #optionsFor}, until {@link #spawned} or {@link #spawnFailed}. */
    private Optional<Training> forking = Optional.empty();
    /** The training runs, by the pid of their worker; at most one per cache file, counting assemblies. */
    private final Map<Long, Training> training = new HashMap<>();
    /** A cache being assembled: done once it is installed or given up, and how to stop its process. */
    private record Assembling(CompletableFuture<?> done, Runnable kill) { }

    /** The caches being assembled, by cache file. */
    private final Map<Path, Assembling> assembling = new HashMap<>();
    /** Training runs killed in a row, by cache file: at {@link #KILLED_RUNS} that file is trained no more. */
    private final Map<Path, Integer> killed = new HashMap<>();
    private long trainings;

    AotCache(CacheLocation location, Optional<WorkerJvm> jvm, CacheAssembler assembler) {
        this.location = location;
        this.jvm = jvm;
        this.assembler = assembler;
    }

    /** The explicit {@code file}, for workers whose build the master cannot tell. */
    AotCache(Path file) {
        this(new CacheFile(file), Optional.empty(), CacheAssembler.PROCESS);
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
        if (isTraining(target.file()) || killed.getOrDefault(target.file(), 0) >= KILLED_RUNS) {
            return List.of();
        }
        Path output = target.file().resolveSibling(target.file().getFileName() + "." + ProcessHandle.current().pid()
                + "-" + (++trainings) + ".training");
        Map<String, String> variables = new HashMap<>();
        Stream.concat(BuildKey.OPTION_VARIABLES.stream(), Stream.of("CLASSPATH"))
                .forEach(name -> Optional.ofNullable(environment.apply(name)).ifPresent(value -> variables.put(name, value)));
        Training run = new Training(workerName, target.file(), output, key, jvm.map(j -> assembly(j, output)), variables);
        forking = Optional.of(run);
        return run.options();
    }

    /** {@code java <the worker's JVM options> -XX:AOTMode=create … <what it runs>}: create mode runs nothing. */
    private static List<String> assembly(WorkerJvm jvm, Path output) {
        List<String> command = new ArrayList<>(List.of(jvm.java().toString()));
        command.addAll(jvm.options());
        command.addAll(List.of("-XX:AOTMode=create", "-XX:AOTConfiguration=" + output.resolveSibling(output.getFileName() + ".aotconf"),
                "-XX:AOTCache=" + output, ERRORS_ONLY));
        command.addAll(jvm.launch());
        return command;
    }

    private boolean isTraining(Path file) {
        return assembling.containsKey(file) || training.values().stream().anyMatch(run -> run.target().equals(file));
    }

    /** {@link #optionsFor} with the master's own environment: for tests. */
    List<String> optionsFor(String workerName) {
        return optionsFor(workerName, System::getenv);
    }

    /** The worker asked for by the last {@link #optionsFor} was forked with those options. */
    synchronized void spawned(List<String> options, long pid) {
        Optional<Training> run = forking.filter(r -> options.equals(r.options()));
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

    /** A worker has exited: if it was a training run, its cache is assembled or moved into place (or its leftovers removed). */
    synchronized void exited(long pid, ExitStatus status) {
        Training run = training.remove(pid);
        if (run == null) {
            return;
        }
        if (status.bySignal() || !CacheLocation.usable(run.recorded())) {
            int inARow = status.bySignal() ? killed.merge(run.target(), 1, Integer::sum) : 0;
            LOG.log(System.Logger.Level.WARNING, "AOT cache training by " + run.worker() + " (pid " + pid + ") ended with "
                    + status + " without a cache; " + (inARow >= KILLED_RUNS
                    ? inARow + " training runs in a row were killed before their JVM wrote what it recorded (it does so"
                            + " as it exits, which can outlast --timeout): no more for this build until the master restarts"
                    : "the next worker forked trains again"));
            removeFiles(run);
            return;
        }
        killed.remove(run.target());
        if (run.assembly().isPresent()) {
            assemble(run);
        } else {
            install(run);
        }
    }

    private void assemble(Training run) {
        try {
            CacheAssembler.Assembly assembly = assembler.start(run.assembly().get(), run.environment(), run.log());
            CompletableFuture<Integer> done = new CompletableFuture<>();
            assembling.put(run.target(), new Assembling(done, assembly.kill()));
            assembly.exitCode().whenComplete((code, failure) -> {
                assembled(run, code == null ? -1 : code);
                done.complete(code);
            });
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "AOT cache " + run.target() + " not assembled: " + e
                    + "; the next worker forked trains again");
            removeFiles(run);
        }
    }

    /** The assembly of {@code run}'s cache has ended with {@code exitCode}. */
    private synchronized void assembled(Training run, int exitCode) {
        assembling.remove(run.target());
        if (exitCode == 0 && CacheLocation.usable(run.output())) {
            install(run);
            return;
        }
        LOG.log(System.Logger.Level.WARNING, "AOT cache " + run.target() + " not assembled from " + run.worker()
                + "'s training run (exit code " + exitCode + lastLine(run.log()) + "); the next worker forked trains again");
        removeFiles(run);
    }

    private void install(Training run) {
        try {
            long bytes = Files.size(run.output());
            location.install(run.output(), run.target(), run.key());
            LOG.log(System.Logger.Level.INFO, "AOT cache " + run.target() + " written (" + mebibytes(bytes)
                    + ") by " + run.worker() + "'s training run; workers forked from now on map it");
        } catch (AccessDeniedException e) {
            LOG.log(System.Logger.Level.WARNING, "AOT cache " + run.target() + " cannot be written (permission denied); "
                    + "the next worker forked trains again");
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "AOT cache " + run.target() + " not installed: " + e
                    + "; the next worker forked trains again");
        }
        removeFiles(run);
    }

    /** Everything a training run wrote that is not (or no longer) the installed cache. */
    private static void removeFiles(Training run) {
        CacheLocation.deleteQuietly(run.output());
        CacheLocation.deleteQuietly(run.recorded());
        CacheLocation.deleteQuietly(run.log());
        CacheLocation.deleteQuietly(run.output().resolveSibling(run.output().getFileName() + ".config")); // one step's temporary configuration
    }

    /** Waits up to {@link #ASSEMBLY_WAIT} for the caches being assembled, so a stopping master installs them; then stops them. */
    @Override
    public void close() {
        List<Assembling> running;
        synchronized (this) {
            running = List.copyOf(assembling.values());
        }
        if (running.isEmpty()) {
            return;
        }
        LOG.log(System.Logger.Level.INFO, "waiting up to " + ASSEMBLY_WAIT.toSeconds() + "s for the AOT cache being assembled");
        try {
            CompletableFuture.allOf(running.stream().map(Assembling::done).toArray(CompletableFuture[]::new))
                    .get(ASSEMBLY_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            running.forEach(assembly -> assembly.kill().run());
        } catch (InterruptedException e) {
            running.forEach(assembly -> assembly.kill().run());
            Thread.currentThread().interrupt();
        }
    }

    private static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return lines.isEmpty() ? "" : ": " + lines.getLast();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static String mebibytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
