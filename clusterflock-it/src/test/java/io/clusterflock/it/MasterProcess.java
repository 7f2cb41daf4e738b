package io.clusterflock.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real {@code clusterflock} master started from the shaded jar, as an operator would run it. It
 * collects every line the master and its workers write (stdout and stderr) and, on close, SIGKILLs
 * everything it started (master, workers, the guard and the workers' process group), so a failing
 * test leaves nothing behind.
 *
 * <p>Every master gets a unique {@link #MARKER} variable, which its workers inherit: that is how
 * the cluster's processes are found in /proc, whatever became of their titles.
 */
final class MasterProcess implements AutoCloseable {
    static final String MARKER = "CLUSTERFLOCK_IT_MARKER";
    static final Pattern LISTENING = Pattern.compile(
            "listening on (\\S+):(\\d+) \\((\\S+)\\) with (\\d+) workers, pids ([\\d, ]+)$");
    static final Pattern FORKED = Pattern.compile("worker (\\d+) \\(pid (\\d+)\\) forked, generation (\\d+)");
    /** How long a master may take to start listening (a JVM start on a busy 2-core machine). */
    static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    /** One line of output; {@code stderr} tells which stream it came from. */
    record Line(boolean stderr, String text) {
        @Override
        public String toString() {
            return (stderr ? "err| " : "out| ") + text;
        }
    }

    private final Process process;
    private final String marker = UUID.randomUUID().toString();
    /** The master's $XDG_RUNTIME_DIR, where it makes its private directory: ours to remove on close. */
    private final Path runtimeDirectory;
    private final List<Line> lines = new ArrayList<>();
    private final List<Thread> readers = new ArrayList<>();
    /** Process groups of the cluster's workers (the guard leads them), for the kill on close. */
    private final Set<Long> groups = ConcurrentHashMap.newKeySet();
    /** Our own group, which the master shares: never to be killed. */
    private final long ownGroup = Procs.pgrp(ProcessHandle.current().pid());

    private MasterProcess(List<String> command) throws IOException {
        runtimeDirectory = Files.createTempDirectory("clusterflock-it-");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().put(MARKER, marker);
        builder.environment().put("XDG_RUNTIME_DIR", runtimeDirectory.toString());
        builder.environment().remove("PORT");
        builder.environment().remove("CLUSTERFLOCK_LOG_LEVEL");
        process = builder.start();
        collect(process.getInputStream(), false);
        collect(process.getErrorStream(), true);
    }

    /** Starts {@code java -jar clusterflock.jar ARGS...}, e.g. {@code start("run", "-p", "0", "--", "sleep", "9")}. */
    static MasterProcess start(String... args) {
        return start(Arrays.asList(args));
    }

    /**
     * Starts {@code command} itself as the master: a library-mode program such as
     * {@code java -Dclusterflock.port=0 -jar hello.jar}, which becomes a master by calling
     * {@code Clusterflock.serve}.
     */
    static MasterProcess program(List<String> command) {
        try {
            return new MasterProcess(command);
        } catch (IOException e) {
            throw new AssertionError("cannot start " + command, e);
        }
    }

    /** Starts {@code clusterflock run OPTIONS... -- COMMAND...}. */
    static MasterProcess run(List<String> command, String... options) {
        List<String> args = new ArrayList<>(List.of("run"));
        args.addAll(List.of(options));
        args.add("--");
        args.addAll(command);
        return start(args);
    }

    static MasterProcess start(List<String> args) {
        List<String> command = new ArrayList<>(List.of(Fixtures.java().toString(), "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED", "-jar", BuildCopies.jar().toString()));
        command.addAll(args);
        try {
            return new MasterProcess(command);
        } catch (IOException e) {
            throw new AssertionError("cannot start " + command, e);
        }
    }

    /**
     * Starts {@code java -jar clusterflock.jar ARGS...} with {@code runtimeDirectory} as its
     * $XDG_RUNTIME_DIR instead of one of its own: masters that share one, side by side, as one
     * user's masters do. (Through {@code env}, which execs the master: same pid.)
     */
    static MasterProcess startIn(Path runtimeDirectory, List<String> args) {
        List<String> command = new ArrayList<>(List.of("env", "XDG_RUNTIME_DIR=" + runtimeDirectory,
                Fixtures.java().toString(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED", "-jar", BuildCopies.jar().toString()));
        command.addAll(args);
        return program(command);
    }

    private void collect(InputStream stream, boolean stderr) {
        readers.add(Thread.ofPlatform().daemon().name("master-" + (stderr ? "stderr" : "stdout")).start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String text; (text = reader.readLine()) != null; ) {
                    noteWorkerGroup(text);
                    synchronized (lines) {
                        lines.add(new Line(stderr, text));
                    }
                }
            } catch (IOException e) {
                // the stream closed under us: the master is gone
            }
        }));
    }

    /** Remembers the process group of every worker as soon as its fork is logged. */
    private void noteWorkerGroup(String text) {
        Matcher fork = FORKED.matcher(text);
        if (fork.find()) {
            long group = Procs.pgrp(Long.parseLong(fork.group(2)));
            if (group > 1 && group != ownGroup) {
                groups.add(group);
            }
        }
    }

    long pid() {
        return process.pid();
    }

    /** The master's $XDG_RUNTIME_DIR (unless it was started {@link #startIn} another). */
    Path runtimeDirectory() {
        return runtimeDirectory;
    }

    /** What the master left in its $XDG_RUNTIME_DIR. */
    List<Path> runtimeFiles() {
        try (var files = Files.walk(runtimeDirectory)) {
            return files.filter(path -> !path.equals(runtimeDirectory)).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    // ---- output ---------------------------------------------------------------------------------

    /** Every line so far, stdout and stderr in arrival order. */
    List<Line> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** The stderr lines so far. */
    List<String> stderr() {
        return lines().stream().filter(Line::stderr).map(Line::text).toList();
    }

    /** The output so far, one line each, for failure messages. */
    String output() {
        StringBuilder text = new StringBuilder("\n---- output of master pid ").append(pid()).append(" ----\n");
        lines().forEach(line -> text.append(line).append('\n'));
        return text.append("----").toString();
    }

    /** How many lines there are so far: pass it to {@link #awaitLineAfter} to look only at newer ones. */
    int mark() {
        synchronized (lines) {
            return lines.size();
        }
    }

    /** Waits for a line in which {@code pattern} is found, from the first line on. */
    Matcher awaitLine(Pattern pattern, Duration timeout) {
        return awaitLineAfter(0, pattern, timeout);
    }

    /** Waits for a line at index {@code mark} or later in which {@code pattern} is found. */
    Matcher awaitLineAfter(int mark, Pattern pattern, Duration timeout) {
        return Await.value(timeout, () -> "a line matching /" + pattern + "/" + output(), () -> {
            List<Matcher> found = matchesAfter(mark, pattern);
            return found.isEmpty() ? null : found.getFirst();
        });
    }

    /** Waits until {@code count} lines from {@code mark} on match {@code pattern}; returns them. */
    List<Matcher> awaitLinesAfter(int mark, Pattern pattern, int count, Duration timeout) {
        return Await.value(timeout, () -> count + " lines matching /" + pattern + "/" + output(), () -> {
            List<Matcher> found = matchesAfter(mark, pattern);
            return found.size() >= count ? found : null;
        });
    }

    /** Every line so far in which {@code pattern} is found, as matchers positioned on the find. */
    List<Matcher> matches(Pattern pattern) {
        return matchesAfter(0, pattern);
    }

    List<Matcher> matchesAfter(int mark, Pattern pattern) {
        List<Line> all = lines();
        List<Matcher> found = new ArrayList<>();
        for (Line line : all.subList(Math.min(mark, all.size()), all.size())) {
            Matcher m = pattern.matcher(line.text());
            if (m.find()) {
                found.add(m);
            }
        }
        return found;
    }

    // ---- what the master said about itself ----------------------------------------------------------

    /** The "listening on" line, once the master has started its workers. */
    Matcher listening() {
        return awaitLine(LISTENING, START_TIMEOUT);
    }

    /** The port the master listens on (the kernel's pick with {@code -p 0}). */
    int port() {
        return Integer.parseInt(listening().group(2));
    }

    /** The worker pids the "listening on" line names, in its order. */
    List<Long> listeningPids() {
        return Arrays.stream(listening().group(5).split(",\\s*")).map(String::strip).map(Long::parseLong).toList();
    }

    /** The pid of worker {@code id}'s fork logged at index {@code mark} or later. */
    long awaitFork(int id, int mark, Duration timeout) {
        Pattern fork = Pattern.compile("worker " + id + " \\(pid (\\d+)\\) forked, generation \\d+");
        return Long.parseLong(awaitLineAfter(mark, fork, timeout).group(1));
    }

    /** The guard: the master's child that leads the workers' process group. */
    long guardPid() {
        long guard = Await.value(Duration.ofSeconds(10), () -> "the guard process of master " + pid() + output(),
                () -> process.children()
                        .filter(child -> Procs.args(child.pid()).startsWith("clusterflock guard"))
                        .map(ProcessHandle::pid).findFirst().orElse(null));
        groups.add(guard);
        return guard;
    }

    // ---- control --------------------------------------------------------------------------------

    /** Sends SIG{@code name} (TERM, INT, KILL, TTIN, TTOU...) to the master. */
    void signal(String name) {
        if (!Kill.signal(pid(), name)) {
            throw new AssertionError("could not send SIG" + name + " to master " + pid() + output());
        }
    }

    /**
     * Waits for the master to exit; returns its exit code. Then waits (up to 2 s, it is not a
     * failure) for the end of its output, which its workers may still hold open.
     */
    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("master " + pid() + " still running after " + timeout.toMillis() + " ms"
                        + output());
            }
            for (Thread reader : readers) {
                reader.join(2_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        return process.exitValue();
    }

    /**
     * The cluster's processes still alive: the master, whatever inherited its {@link #MARKER}, and
     * the members of the workers' process groups (the guard among them).
     */
    Set<Long> remaining() {
        Set<Long> left = new LinkedHashSet<>();
        if (process.isAlive()) {
            left.add(pid());
        }
        left.addAll(Procs.withEnvironment(MARKER, marker));
        for (long group : groups) {
            left.addAll(Procs.inGroup(group));
        }
        return left;
    }

    /** Describes {@code pids} with their command lines, for failure messages. */
    static String describe(Iterable<Long> pids) {
        StringBuilder text = new StringBuilder();
        for (long pid : pids) {
            text.append("\n  ").append(pid).append(": ").append(Procs.args(pid));
        }
        return text.toString();
    }

    /** SIGKILLs the master first (so it re-forks nothing), then every process of the cluster. */
    @Override
    public void close() {
        List<ProcessHandle> descendants = process.descendants().toList();
        for (ProcessHandle child : descendants) {
            long group = Procs.pgrp(child.pid());
            if (group > 1 && group != ownGroup) {
                groups.add(group);
            }
        }
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (long group : groups) {
            if (!Procs.inGroup(group).isEmpty()) {
                Kill.signalGroup(group, "KILL");
            }
        }
        descendants.forEach(ProcessHandle::destroyForcibly); // a handle never reaches a recycled pid
        for (long pid : Procs.withEnvironment(MARKER, marker)) {
            Kill.signal(pid, "KILL");
        }
        if (!Await.within(Duration.ofSeconds(5), () -> remaining().isEmpty())) {
            System.err.println("MasterProcess.close: still alive after SIGKILL:" + describe(remaining()));
        }
        try (var files = Files.walk(runtimeDirectory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            System.err.println("MasterProcess.close: cannot remove " + runtimeDirectory + ": " + e);
        }
    }
}
