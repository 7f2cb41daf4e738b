package io.clusterflock.internal.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Users and groups of this machine as the C library knows them (getpwnam(3), getgrnam(3): the
 * name service, not only /etc/passwd), for workers that run as another user than the master.
 * The lookups use glibc's static buffers: they are made once, as options are checked.
 */
public final class Accounts {
    /** {@code struct passwd} on 64-bit Linux: name, passwd, uid, gid, gecos, dir, shell. */
    private static final long PW_UID = 16, PW_GID = 20, PW_DIR = 32;
    /** {@code struct group}: name, passwd, gid, members. */
    private static final long GR_GID = 16;

    private Accounts() {}

    /** A user: its name, uid, primary group and home directory. */
    public record User(String name, int uid, int gid, Path home) { }

    /** A group: its name and gid. */
    public record Group(String name, int gid) { }

    /** The user named {@code nameOrUid} (a name, or a uid in digits), if there is one. */
    public static synchronized Optional<User> user(String nameOrUid) {
        Platform.requireSupported();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment entry = isNumber(nameOrUid)
                    ? Libc.callPointer(Libc.GETPWUID, Integer.parseUnsignedInt(nameOrUid))
                    : Libc.callPointer(Libc.GETPWNAM, arena.allocateFrom(nameOrUid));
            if (entry.equals(MemorySegment.NULL)) {
                return Optional.empty();
            }
            MemorySegment pw = entry.reinterpret(48);
            return Optional.of(new User(string(pw, 0), pw.get(ValueLayout.JAVA_INT, PW_UID), pw.get(ValueLayout.JAVA_INT, PW_GID),
                    Path.of(string(pw, PW_DIR))));
        }
    }

    /** The group named {@code nameOrGid} (a name, or a gid in digits), if there is one. */
    public static synchronized Optional<Group> group(String nameOrGid) {
        Platform.requireSupported();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment entry = isNumber(nameOrGid)
                    ? Libc.callPointer(Libc.GETGRGID, Integer.parseUnsignedInt(nameOrGid))
                    : Libc.callPointer(Libc.GETGRNAM, arena.allocateFrom(nameOrGid));
            if (entry.equals(MemorySegment.NULL)) {
                return Optional.empty();
            }
            MemorySegment gr = entry.reinterpret(32);
            return Optional.of(new Group(string(gr, 0), gr.get(ValueLayout.JAVA_INT, GR_GID)));
        }
    }

    /** The group of gid {@code gid}, by name when it has one. */
    public static Group group(int gid) {
        return group(Integer.toUnsignedString(gid)).orElse(new Group(Integer.toUnsignedString(gid), gid));
    }

    /** This process's effective uid: 0 for root, the only one that may start processes as another user. */
    public static int effectiveUid() {
        Platform.requireSupported();
        return Libc.callPlain(Libc.GETEUID);
    }

    private static boolean isNumber(String text) {
        return !text.isEmpty() && text.length() <= 10 && text.chars().allMatch(Character::isDigit)
                && Long.parseLong(text) <= 0xffff_fffeL;
    }

    private static String string(MemorySegment struct, long offset) {
        MemorySegment pointer = struct.get(ValueLayout.ADDRESS, offset);
        return pointer.equals(MemorySegment.NULL) ? "" : pointer.reinterpret(4096).getString(0);
    }
}
