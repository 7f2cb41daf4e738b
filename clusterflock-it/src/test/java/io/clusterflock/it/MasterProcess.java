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
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real {@code clusterflock} master started from the shaded jar, as an operator would run it. It
 * collects every line the master and its workers write (stdout and stderr) and, on close, SIGKILLs
 * everything it started (master, workers, the guard and the workers' process group), so a failing
 * test leaves nothing behind.
 *
 * <p>Masters log JSON ({@code --log-format json}, in library mode {@code -Dclusterflock.logFormat=json})
 * unless started with {@link #startText}: tests read what the master did as typed {@link MasterEvent}s,
 * never from its English. Worker output stays lines of text, interleaved with the events.
 *
 * <p>Every master gets a unique {@link #MARKER} variable, which its workers inherit: that is how
 * the cluster's processes are found in /proc, whatever became of their titles.
 */
final class MasterProcess implements AutoCloseable {
    static final String MARKER = "CLUSTERFLOCK_IT_MARKER";
    /** A fork in the text format, for the process groups of a master started with {@link #startText}. */
    private static final Pattern FORKED = Pattern.compile("worker (\\d+) \\(pid (\\d+)\\) forked, generation (\\d+)");
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
    /** The JSON events among {@link #lines}, in the same order; guarded by {@code lines}. */
    private final List<MasterEvent> events = new ArrayList<>();
    /** Lines that look like a JSON event and are not one: the test fails at its next look at the events. */
    private final List<String> malformed = new ArrayList<>();
    private final List<Thread> readers = new ArrayList<>();
    /** Process groups of the cluster's workers (the guard leads them), for the kill on close. */
    private final Set<Long> groups = ConcurrentHashMap.newKeySet();
    /** Our own group, which the master shares: never to be killed. */
    private final long ownGroup = Procs.pgrp(ProcessHandle.current().pid());

    /** Whether the master runs in a PID namespace of its own: the pids it logs are not this machine's. */
    private final boolean ownPidNamespace;

    private MasterProcess(List<String> command) throws IOException {
        this.ownPidNamespace = command.getFirst().equals("unshare");
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

    /**
     * Starts {@code java -jar clusterflock.jar ARGS...} logging JSON events, e.g.
     * {@code start("run", "-p", "0", "--", "sleep", "9")}: the first argument is the command.
     */
    static MasterProcess start(String... args) {
        return start(Arrays.asList(args));
    }

    static MasterProcess start(List<String> args) {
        return launch(cli(List.of(), json(args)));
    }

    /** Starts {@code clusterflock run OPTIONS... -- COMMAND...}, logging JSON events. */
    static MasterProcess run(List<String> command, String... options) {
        List<String> args = new ArrayList<>(List.of("run"));
        args.addAll(List.of(options));
        args.add("--");
        args.addAll(command);
        return start(args);
    }

    /** Starts {@code java -jar clusterflock.jar ARGS...} as given: the default text log, as an operator sees it. */
    static MasterProcess startText(List<String> args) {
        return launch(cli(List.of(), args));
    }

    /**
     * Starts {@code java -jar clusterflock.jar ARGS...}, logging JSON events, with
     * {@code runtimeDirectory} as its $XDG_RUNTIME_DIR instead of one of its own: masters that share
     * one, side by side, as one user's masters do. (Through {@code env}, which execs the master: same pid.)
     */
    static MasterProcess startIn(Path runtimeDirectory, List<String> args) {
        return launch(cli(List.of("env", "XDG_RUNTIME_DIR=" + runtimeDirectory), json(args)));
    }

    /**
     * Starts {@code PREFIX... java ... -jar clusterflock.jar ARGS...}, logging JSON events: the
     * master under a launcher that execs it, so it keeps the launcher's pid
     * ({@code systemd-socket-activate}, {@code sh -c '... exec "$@"'}, {@code unshare --fork}'s child).
     */
    static MasterProcess startUnder(List<String> prefix, List<String> args) {
        return launch(cli(prefix, json(args)));
    }

    /**
     * Starts {@code clusterflock run OPTIONS... -- COMMAND...} as a background job of a script
     * starts it: with SIGINT and SIGHUP ignored (through {@code sh}, which execs the master: same pid).
     */
    static MasterProcess runWithSignalsIgnored(List<String> command, String... options) {
        List<String> args = new ArrayList<>(List.of("run"));
        args.addAll(List.of(options));
        args.add("--");
        args.addAll(command);
        return launch(cli(List.of("sh", "-c", "trap '' INT HUP; exec \"$@\"", "sh"), json(args)));
    }

    /**
     * Starts {@code command} itself as the master: a library-mode program such as
     * {@code java -Dclusterflock.port=0 -jar hello.jar}, which becomes a master by calling
     * {@code Clusterflock.serve}; {@code -Dclusterflock.logFormat=json} goes right after the java.
     */
    static MasterProcess program(List<String> command) {
        List<String> json = new ArrayList<>(command);
        json.add(1, "-Dclusterflock.logFormat=json");
        return launch(json);
    }

    private static MasterProcess launch(List<String> command) {
        try {
            return new MasterProcess(command);
        } catch (IOException e) {
            throw new AssertionError("cannot start " + command, e);
        }
    }

    /** {@code PREFIX... java ... -jar clusterflock.jar ARGS...}. */
    private static List<String> cli(List<String> prefix, List<String> args) {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(Fixtures.java().toString(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED", "-jar", BuildCopies.jar().toString()));
        command.addAll(args);
        return command;
    }

    /** {@code ARGS} with {@code --log-format json} after the command ({@code run}, {@code demo}). */
    private static List<String> json(List<String> args) {
        List<String> json = new ArrayList<>(args);
        json.addAll(Math.min(1, json.size()), List.of("--log-format", "json"));
        return json;
    }

    private void collect(InputStream stream, boolean stderr) {
        readers.add(Thread.ofPlatform().daemon().name("master-" + (stderr ? "stderr" : "stdout")).start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String text; (text = reader.readLine()) != null; ) {
                    add(new Line(stderr, text));
                }
            } catch (IOException e) {
                // the stream closed under us: the master is gone
            }
        }));
    }

    /** Keeps a line, and the event on it if the master wrote one (it writes them on stderr). */
    private void add(Line line) {
        Optional<MasterEvent> event = Optional.empty();
        synchronized (lines) {
            if (line.stderr()) {
                try {
                    event = MasterEvent.parse(lines.size(), line.text());
                } catch (RuntimeException | AssertionError e) {
                    malformed.add(line.text() + " (" + e.getMessage() + ")");
                }
            }
            lines.add(line);
            event.ifPresent(events::add);
        }
        if (event.isPresent() && event.get().kind() == MasterEvent.Kind.FORK) {
            noteWorkerGroup(event.get().pid());
        } else if (event.isEmpty()) {
            Matcher fork = FORKED.matcher(line.text());
            if (fork.find()) {
                noteWorkerGroup(Long.parseLong(fork.group(2)));
            }
        }
    }

    /** Remembers the process group of every worker as soon as its fork is logged. */
    private void noteWorkerGroup(long worker) {
        if (ownPidNamespace) {
            return; // its pids name other processes here; close() finds them as descendants
        }
        long group = Procs.pgrp(worker);
        if (group > 1 && group != ownGroup) {
            groups.add(group);
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

    /**
     * How many lines there are so far: pass it to {@link #awaitLineAfter} or {@link #eventsAfter} to
     * look only at newer ones.
     */
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

    // ---- events ------------------------------------------------------------------------------------

    /** Every event so far, in the order the master logged them. */
    List<MasterEvent> events() {
        synchronized (lines) {
            if (!malformed.isEmpty()) {
                throw new AssertionError("lines of the master's log that are not JSON events: " + malformed + output());
            }
            return List.copyOf(events);
        }
    }

    /** The events on line {@code mark} or later. */
    List<MasterEvent> eventsAfter(int mark) {
        return events().stream().filter(event -> event.line() >= mark).toList();
    }

    /** The events so far that {@code match}. */
    List<MasterEvent> events(Predicate<MasterEvent> match) {
        return eventsAfter(0, match);
    }

    /** The events on line {@code mark} or later that {@code match}. */
    List<MasterEvent> eventsAfter(int mark, Predicate<MasterEvent> match) {
        return eventsAfter(mark).stream().filter(match).toList();
    }

    /** Waits for the first event that {@code match}es, from the first line on. */
    MasterEvent awaitEvent(Predicate<MasterEvent> match, Duration timeout) {
        return awaitEventAfter(0, match, timeout);
    }

    /** Waits for the first event on line {@code mark} or later that {@code match}es. */
    MasterEvent awaitEventAfter(int mark, Predicate<MasterEvent> match, Duration timeout) {
        return awaitEventsAfter(mark, match, 1, timeout).getFirst();
    }

    /** Waits until {@code count} events from line {@code mark} on {@code match}; returns all that do. */
    List<MasterEvent> awaitEventsAfter(int mark, Predicate<MasterEvent> match, int count, Duration timeout) {
        return Await.value(timeout, () -> (count == 1 ? "" : count + " times ") + match + " after line " + mark
                + output(), () -> {
            List<MasterEvent> found = eventsAfter(mark, match);
            return found.size() >= count ? found : null;
        });
    }

    // ---- what the master said about itself ----------------------------------------------------------

    /** The master's {@code started} event: it listens and has spawned its first workers. */
    MasterEvent started() {
        return awaitEvent(EventMatch.of(MasterEvent.Kind.STARTED), START_TIMEOUT);
    }

    /** The port the master listens on (the kernel's pick with {@code -p 0}). */
    int port() {
        return Math.toIntExact(started().number("port"));
    }

    /** The pids of the workers the master started with, in slot order. */
    List<Long> startedPids() {
        MasterEvent started = started();
        if (!(started.fields().get("pids") instanceof List<?> pids)) {
            throw new AssertionError("a started event without pids: " + started + output());
        }
        return pids.stream().map(Long.class::cast).toList();
    }

    /** The pid of the first worker forked in slot {@code slot} on line {@code mark} or later. */
    long awaitFork(int slot, int mark, Duration timeout) {
        return awaitEventAfter(mark, EventMatch.inSlot(MasterEvent.Kind.FORK, slot), timeout).pid();
    }

    /** Waits until every worker of {@code pids} is ready (the master's {@code ready} event). */
    void awaitReady(Collection<Long> pids, Duration timeout) {
        for (long pid : pids) {
            awaitEvent(EventMatch.about(MasterEvent.Kind.READY, pid), timeout);
        }
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
