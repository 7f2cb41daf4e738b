package io.clusterflock.internal.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How much memory this process and its children may use: the memory limit of its cgroup (v2
 * {@code memory.max}, v1 {@code memory.limit_in_bytes}; the lowest of its own and its ancestors',
 * as the kernel enforces them all), else the machine's physical memory ({@code MemTotal} of
 * {@code /proc/meminfo}). This is what a container's memory limit looks like from inside.
 *
 * <p>Read under a root directory, {@code /} on a real machine, so that tests lay out a cgroup file
 * system of their own: nothing here creates or changes a cgroup.
 *
 * @param bytes  the memory there is
 * @param source where that came from, for the log: "the cgroup limit" or "physical memory"
 */
public record MachineMemory(long bytes, String source) {
    /** v1 writes "no limit" as the largest page-aligned long; any value at or above physical memory is no limit either. */
    static final long V1_UNLIMITED = 0x7FFF_FFFF_FFFF_F000L;
    private static volatile Optional<MachineMemory> here;

    /** This machine's, read once. Empty only where {@code /proc/meminfo} cannot be read (not Linux). */
    public static Optional<MachineMemory> here() {
        Optional<MachineMemory> read = here;
        if (read == null) {
            read = read(Path.of("/"));
            here = read;
        }
        return read;
    }

    /** The memory seen from the file system under {@code root}. */
    public static Optional<MachineMemory> read(Path root) {
        OptionalLong physical = physical(root);
        if (physical.isEmpty()) {
            return Optional.empty();
        }
        OptionalLong cgroup = cgroupLimit(root);
        return cgroup.isPresent() && cgroup.getAsLong() < physical.getAsLong()
                ? Optional.of(new MachineMemory(cgroup.getAsLong(), "the cgroup limit"))
                : Optional.of(new MachineMemory(physical.getAsLong(), "physical memory"));
    }

    /** {@code MemTotal:  24684500 kB}. */
    private static OptionalLong physical(Path root) {
        for (String line : lines(root.resolve("proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                String[] words = line.substring("MemTotal:".length()).strip().split("\\s+");
                OptionalLong kib = number(words[0]);
                return kib.isPresent() ? OptionalLong.of(kib.getAsLong() * 1024) : kib;
            }
        }
        return OptionalLong.empty();
    }

    /**
     * The lowest limit on the way from this process's cgroup up to the root of the mount, by
     * {@code /proc/self/cgroup}: {@code 0::/PATH} under cgroup v2, {@code N:memory:/PATH} (or
     * {@code N:cpu,memory:/PATH}) under v1. A container without its own cgroup namespace sees the
     * host's path, which its mount does not have: then its mount's own root is its cgroup.
     */
    private static OptionalLong cgroupLimit(Path root) {
        OptionalLong lowest = OptionalLong.empty();
        for (String line : lines(root.resolve("proc/self/cgroup"))) {
            String[] fields = line.split(":", 3);
            if (fields.length < 3) {
                continue;
            }
            OptionalLong limit = fields[0].equals("0") && fields[1].isEmpty()
                    ? lowest(root.resolve("sys/fs/cgroup"), fields[2], "memory.max")
                    : List.of(fields[1].split(",")).contains("memory")
                    ? lowest(root.resolve("sys/fs/cgroup/memory"), fields[2], "memory.limit_in_bytes")
                    : OptionalLong.empty();
            lowest = min(lowest, limit);
        }
        return lowest;
    }

    /** The lowest limit in the file {@code name} of the cgroup {@code path} under {@code mount} and of its ancestors. */
    private static OptionalLong lowest(Path mount, String path, String name) {
        Path dir = mount.resolve(path.replaceFirst("^/+", ""));
        if (!Files.isDirectory(dir)) {
            dir = mount;
        }
        OptionalLong lowest = OptionalLong.empty();
        for (Path at = dir; at != null && at.startsWith(mount); at = at.getParent()) {
            lowest = min(lowest, limit(at.resolve(name)));
        }
        return lowest;
    }

    /** A limit file: a number of bytes, or "max" (v2) or the v1 "no limit" value for none. */
    private static OptionalLong limit(Path file) {
        List<String> lines = lines(file);
        if (lines.isEmpty()) {
            return OptionalLong.empty();
        }
        OptionalLong bytes = number(lines.getFirst().strip());
        return bytes.isPresent() && bytes.getAsLong() > 0 && bytes.getAsLong() < V1_UNLIMITED ? bytes : OptionalLong.empty();
    }

    private static OptionalLong min(OptionalLong a, OptionalLong b) {
        return a.isEmpty() ? b : b.isEmpty() ? a : OptionalLong.of(Math.min(a.getAsLong(), b.getAsLong()));
    }

    private static OptionalLong number(String text) {
        try {
            return OptionalLong.of(Long.parseLong(text));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
