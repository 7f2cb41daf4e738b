package io.clusterflock.internal.control;

import io.clusterflock.control.ControlException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where the control socket of the cluster named {@code name} is, for the master and for the
 * commands that talk to it alike:
 * <ul>
 * <li>{@code $XDG_RUNTIME_DIR/clusterflock/<name>/control.sock} when XDG_RUNTIME_DIR names a
 *     writable directory (systemd makes one per user, mode 0700, emptied at logout);</li>
 * <li>else {@code <java.io.tmpdir>/clusterflock-<uid>/<name>/control.sock}, the uid being the
 *     process's own (the owner of /proc/self), so that users sharing /tmp do not collide.</li>
 * </ul>
 * Next to the socket, {@code master.pid} holds the master's pid, locked while it runs.
 */
public final class ControlPaths {
    /** ClusterOptions' rule for names, minus "." and "..", which would leave the directory. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final Path base;
    private final Path directory;

    private ControlPaths(Path base, Path directory) {
        this.base = base;
        this.directory = directory;
    }

    /** The paths of cluster {@code name} in this process's environment. */
    public static ControlPaths of(String name) {
        return of(name, System.getenv(), System.getProperty("java.io.tmpdir"));
    }

    static ControlPaths of(String name, Map<String, String> environment, String tmpdir) {
        requireValidName(name);
        Path base = base(environment, tmpdir);
        return new ControlPaths(base, base.resolve(name));
    }

    /** @throws ControlException naming what is allowed */
    public static void requireValidName(String name) {
        if (name == null || !NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new ControlException("--name: '" + name + "' is not allowed; use 1 to 64 letters, digits, '.', '_' or '-'"
                    + " (not '.' or '..')");
        }
    }

    private static Path base(Map<String, String> environment, String tmpdir) {
        String runtime = environment.get("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isBlank()) {
            Path dir = Path.of(runtime);
            if (dir.isAbsolute() && Files.isDirectory(dir) && Files.isWritable(dir)) {
                return dir.resolve("clusterflock");
            }
        }
        return Path.of(tmpdir).resolve("clusterflock-" + uid());
    }

    /** The effective uid, as the owner of /proc/self; the user name where /proc is missing. */
    static String uid() {
        try {
            return Files.getAttribute(Path.of("/proc/self"), "unix:uid").toString();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return System.getProperty("user.name");
        }
    }

    /** The directory shared by every cluster of this user: {@code .../clusterflock} or {@code .../clusterflock-<uid>}. */
    public Path base() {
        return base;
    }

    /** This cluster's private directory. */
    public Path directory() {
        return directory;
    }

    /** The control socket. */
    public Path socket() {
        return directory.resolve("control.sock");
    }

    /** The master's pid, locked by it while it runs. */
    public Path pidFile() {
        return directory.resolve("master.pid");
    }
}
