package io.clusterflock.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Reads /proc: whether a process lives, its process group, its command line, its open fds. */
final class Procs {
    private static final Path PROC = Path.of("/proc");

    private Procs() {}

    /** Whether {@code pid} exists and is not a zombie (an orphaned zombie may never be reaped here). */
    static boolean alive(long pid) {
        return stat(pid).map(fields -> !fields[0].equals("Z") && !fields[0].equals("X")).orElse(false);
    }

    /** The process group of {@code pid}, or -1 when it is gone. */
    static long pgrp(long pid) {
        return stat(pid).map(fields -> Long.parseLong(fields[2])).orElse(-1L);
    }

    /** Its state letter ("S", "R", "Z" for a zombie…), empty when it is gone. */
    static Optional<String> state(long pid) {
        return stat(pid).map(fields -> fields[0]);
    }

    /** The children of {@code parent}, by the parent pid in /proc: zombies included, which ProcessHandle omits. */
    static List<Long> children(long parent) {
        return allPids().stream().filter(pid -> ppid(pid) == parent).toList();
    }

    /** The parent of {@code pid}, or -1 when it is gone. */
    static long ppid(long pid) {
        return stat(pid).map(fields -> Long.parseLong(fields[1])).orElse(-1L);
    }

    /**
     * Fields 3 onward of /proc/pid/stat (state, ppid, pgrp, ...): parsed after the last ')', since
     * field 2, the command name, may itself hold spaces and parentheses.
     */
    private static Optional<String[]> stat(long pid) {
        try {
            String stat = Files.readString(PROC.resolve(pid + "/stat"));
            return Optional.of(stat.substring(stat.lastIndexOf(')') + 1).trim().split(" "));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** argv of {@code pid} as the kernel shows it (after any retitling); empty when gone. */
    static List<String> cmdline(long pid) {
        try {
            String raw = Files.readString(PROC.resolve(pid + "/cmdline"), StandardCharsets.UTF_8);
            if (raw.endsWith("\0")) {
                raw = raw.substring(0, raw.length() - 1);
            }
            return raw.isEmpty() ? List.of() : Arrays.asList(raw.split("\0", -1));
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The command line joined with spaces, as {@code ps -o args} shows it; "" when gone. */
    static String args(long pid) {
        return String.join(" ", cmdline(pid));
    }

    /** The fd numbers open in {@code pid}, sorted. */
    static List<Integer> fds(long pid) {
        List<Integer> fds = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(PROC.resolve(pid + "/fd"))) {
            for (Path fd : dir) {
                fds.add(Integer.parseInt(fd.getFileName().toString()));
            }
        } catch (IOException e) {
            return List.of();
        }
        fds.sort(null);
        return fds;
    }

    /** What fd {@code fd} of {@code pid} refers to, e.g. {@code socket:[123]}; "" when unknown. */
    static String fdTarget(long pid, int fd) {
        try {
            return Files.readSymbolicLink(PROC.resolve(pid + "/fd/" + fd)).toString();
        } catch (IOException e) {
            return "";
        }
    }

    /** Every live process whose process group is {@code pgid}. */
    static List<Long> inGroup(long pgid) {
        return allPids().stream().filter(pid -> pgrp(pid) == pgid && alive(pid)).toList();
    }

    /** Every live process whose initial environment holds {@code name=value}. */
    static List<Long> withEnvironment(String name, String value) {
        byte[] needle = (name + "=" + value).getBytes(StandardCharsets.UTF_8);
        List<Long> found = new ArrayList<>();
        for (long pid : allPids()) {
            try {
                byte[] environ = Files.readAllBytes(PROC.resolve(pid + "/environ"));
                if (containsEntry(environ, needle) && alive(pid)) {
                    found.add(pid);
                }
            } catch (IOException e) {
                // gone, or not ours to read
            }
        }
        return found;
    }

    /** Every live process whose command line contains {@code text}. */
    static List<Long> withArgsContaining(String text) {
        return allPids().stream().filter(pid -> args(pid).contains(text) && alive(pid)).toList();
    }

    private static boolean containsEntry(byte[] environ, byte[] entry) {
        int start = 0;
        for (int i = 0; i <= environ.length; i++) {
            if (i == environ.length || environ[i] == 0) {
                if (i - start == entry.length && Arrays.equals(environ, start, i, entry, 0, entry.length)) {
                    return true;
                }
                start = i + 1;
            }
        }
        return false;
    }

    static List<Long> allPids() {
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(PROC)) {
            for (Path entry : dir) {
                String name = entry.getFileName().toString();
                if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
                    pids.add(Long.parseLong(name));
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot list /proc", e);
        }
        return pids;
    }
}
