package io.clusterflock.internal.os;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Starts processes with posix_spawn, giving each exactly the fds it is meant to have.
 *
 * <p>Not the JDK's ProcessBuilder: it cannot place an fd at 0 and 3, cannot set argv[0], and JDK
 * sockets are not close-on-exec, so anything the JVM spawns may inherit the master's connections.
 * Here every child gets its mapped fds, keeps 0-2 unless they are mapped, and the file actions close
 * everything above; signal mask and dispositions start clean (a JVM blocks and handles several).
 */
public final class Spawner {

    /** glibc's execvp uses this when PATH is unset. */
    private static final String DEFAULT_PATH = "/bin:/usr/bin";
    /** Temporary copies of fds go at 10 or above, clear of anything a child is given. */
    private static final int TEMPORARY_FD_FLOOR = 10;

    private Spawner() {}

    /**
     * What to start.
     *
     * @param executable   the program, normally absolute (see {@link #resolveExecutable}); not looked up in PATH
     * @param argv         the arguments, argv[0] first; argv[0] is free text such as a process title
     * @param environment  the child's complete environment (nothing is inherited implicitly)
     * @param fds          child fd → parent fd, e.g. {0: socket, 3: socket}; fds 0-2 not mapped are
     *                     inherited, every other fd is closed in the child
     * @param processGroup -1 stays in our process group, 0 makes the child lead a new one, more
     *                     than 0 joins that group
     */
    public record Request(
            Path executable,
            List<String> argv,
            Map<String, String> environment,
            Map<Integer, Integer> fds,
            int processGroup) {

        public Request {
            Objects.requireNonNull(executable, "executable");
            argv = List.copyOf(argv);
            environment = Map.copyOf(environment);
            fds = Map.copyOf(fds);
            if (argv.isEmpty()) {
                throw new IllegalArgumentException("argv needs at least argv[0]");
            }
            if (processGroup < -1) {
                throw new IllegalArgumentException("processGroup must be -1, 0 or a group id, not " + processGroup);
            }
            // A NUL would silently cut a C string short.
            requireNoNul(executable.toString(), "executable");
            argv.forEach(arg -> requireNoNul(arg, "argv"));
            environment.forEach((name, value) -> {
                if (name.isEmpty() || name.indexOf('=') >= 0) {
                    throw new IllegalArgumentException("invalid environment variable name: " + name);
                }
                requireNoNul(name + value, "environment variable " + name);
            });
            fds.keySet().forEach(childFd -> {
                if (childFd < 0) {
                    throw new IllegalArgumentException("invalid child fd: " + childFd);
                }
            });
        }

        private static void requireNoNul(String text, String what) {
            if (text.indexOf('\0') >= 0) {
                throw new IllegalArgumentException(what + " contains a NUL character");
            }
        }
    }

    /**
     * Starts the process and returns its pid; the caller must reap it ({@link Processes#waitFor}).
     *
     * @throws NativeException e.g. "cannot start /usr/bin/foo: Permission denied"
     */
    public static long spawn(Request request) {
        Platform.requireSupported();
        String what = "cannot start " + request.executable();
        int highestChildFd = request.fds().keySet().stream().mapToInt(Integer::intValue).max().orElse(-1);
        List<Integer> temporaries = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            Map<Integer, Integer> sources = sourcesAbove(highestChildFd, request.fds(), temporaries, what);
            MemorySegment actions = arena.allocate(Libc.SPAWN_STRUCT_BYTES, 16);
            MemorySegment attributes = arena.allocate(Libc.SPAWN_STRUCT_BYTES, 16);
            check(Libc.callPlain(Libc.FILE_ACTIONS_INIT, actions), what);
            try {
                check(Libc.callPlain(Libc.ATTR_INIT, attributes), what);
                try {
                    for (Map.Entry<Integer, Integer> map : sources.entrySet()) {
                        check(Libc.callPlain(Libc.FILE_ACTIONS_ADDDUP2, actions, map.getValue(), map.getKey()), what);
                    }
                    // Every fd of the JVM the child was not given is closed (the temporaries too):
                    // closefrom above the highest child fd, one close per gap below it. glibc
                    // ignores closing an fd that is not open.
                    for (int gap = 3; gap < highestChildFd; gap++) {
                        if (!sources.containsKey(gap)) {
                            check(Libc.callPlain(Libc.FILE_ACTIONS_ADDCLOSE, actions, gap), what);
                        }
                    }
                    int closeFrom = Math.max(3, highestChildFd + 1);
                    check(Libc.callPlain(Libc.FILE_ACTIONS_ADDCLOSEFROM, actions, closeFrom), what);
                    cleanSignals(arena, attributes, request.processGroup(), what);
                    return launch(arena, request, actions, attributes, what);
                } finally {
                    Libc.callPlain(Libc.ATTR_DESTROY, attributes);
                }
            } finally {
                Libc.callPlain(Libc.FILE_ACTIONS_DESTROY, actions);
            }
        } finally {
            temporaries.forEach(fd -> Libc.call(Libc.CLOSE, fd));
        }
    }

    /**
     * The parent fd to dup2 onto each child fd. A parent fd at or below the highest child fd is
     * first copied above it: dup2(n, n) would leave close-on-exec set (the fd would vanish at exec),
     * and a source that is also a target could be overwritten by an earlier dup2.
     */
    private static Map<Integer, Integer> sourcesAbove(
            int highestChildFd, Map<Integer, Integer> fds, List<Integer> temporaries, String what) {
        Map<Integer, Integer> copies = new HashMap<>();
        Map<Integer, Integer> sources = new HashMap<>();
        for (Map.Entry<Integer, Integer> map : fds.entrySet()) {
            int parentFd = map.getValue();
            if (parentFd > highestChildFd) {
                sources.put(map.getKey(), parentFd);
                continue;
            }
            Integer copy = copies.get(parentFd);
            if (copy == null) {
                int floor = Math.max(TEMPORARY_FD_FLOOR, highestChildFd + 1);
                Libc.Result dup = Libc.call(Libc.FCNTL_INT, parentFd, Libc.F_DUPFD_CLOEXEC, floor);
                if (dup.failed()) {
                    throw NativeException.of(what, dup.errno());
                }
                copy = dup.value();
                temporaries.add(copy);
                copies.put(parentFd, copy);
            }
            sources.put(map.getKey(), copy);
        }
        return sources;
    }

    /** Empty signal mask, every signal at its default action, and the process group. */
    private static void cleanSignals(Arena arena, MemorySegment attributes, int processGroup, String what) {
        MemorySegment none = arena.allocate(Libc.SIGSET_BYTES, 8);
        MemorySegment all = arena.allocate(Libc.SIGSET_BYTES, 8);
        Libc.callPlain(Libc.SIGEMPTYSET, none);
        Libc.callPlain(Libc.SIGFILLSET, all);
        check(Libc.callPlain(Libc.ATTR_SETSIGMASK, attributes, none), what);
        check(Libc.callPlain(Libc.ATTR_SETSIGDEFAULT, attributes, all), what);
        short flags = Libc.POSIX_SPAWN_SETSIGMASK | Libc.POSIX_SPAWN_SETSIGDEF;
        if (processGroup >= 0) {
            flags |= Libc.POSIX_SPAWN_SETPGROUP;
            check(Libc.callPlain(Libc.ATTR_SETPGROUP, attributes, processGroup), what);
        }
        check(Libc.callPlain(Libc.ATTR_SETFLAGS, attributes, flags), what);
    }

    private static long launch(
            Arena arena, Request request, MemorySegment actions, MemorySegment attributes, String what) {
        MemorySegment pid = arena.allocate(JAVA_INT);
        MemorySegment path = arena.allocateFrom(request.executable().toString());
        MemorySegment argv = cStrings(arena, request.argv());
        MemorySegment envp = cStrings(arena, request.environment().entrySet().stream()
                .map(variable -> variable.getKey() + "=" + variable.getValue())
                .toList());
        // posix_spawn, not posix_spawnp: the path is already resolved, and argv[0] may be any text.
        // It returns the error number (errno is not set); glibc reports exec failures here too.
        check(Libc.callPlain(Libc.POSIX_SPAWN, pid, path, actions, attributes, argv, envp), what);
        return pid.get(JAVA_INT, 0);
    }

    /** A NULL-terminated char*[] of {@code strings}, UTF-8. */
    private static MemorySegment cStrings(Arena arena, List<String> strings) {
        MemorySegment array = arena.allocate(ADDRESS, strings.size() + 1); // zeroed: ends with NULL
        for (int i = 0; i < strings.size(); i++) {
            array.setAtIndex(ADDRESS, i, arena.allocateFrom(strings.get(i)));
        }
        return array;
    }

    private static void check(int error, String what) {
        if (error != 0) {
            throw NativeException.of(what, error);
        }
    }

    /**
     * Finds a command the way execvp does: one containing '/' is a path (made absolute against the
     * current directory); otherwise each PATH entry is tried in order, an empty entry meaning the
     * current directory. Only a regular file we may execute counts.
     *
     * @param pathVariable the PATH to search; null means glibc's default, "/bin:/usr/bin"
     */
    public static Optional<Path> resolveExecutable(String command, String pathVariable) {
        if (command == null || command.isEmpty()) {
            return Optional.empty();
        }
        try {
            if (command.indexOf('/') >= 0) {
                return Optional.of(Path.of(command).toAbsolutePath()).filter(Spawner::isRunnable);
            }
            String path = pathVariable == null ? DEFAULT_PATH : pathVariable;
            for (String directory : path.split(":", -1)) {
                Path candidate = Path.of(directory).resolve(command).toAbsolutePath();
                if (isRunnable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        } catch (InvalidPathException e) {
            // A name with a NUL or the like cannot be a file.
        }
        return Optional.empty();
    }

    private static boolean isRunnable(Path file) {
        return Files.isRegularFile(file) && Files.isExecutable(file);
    }
}
