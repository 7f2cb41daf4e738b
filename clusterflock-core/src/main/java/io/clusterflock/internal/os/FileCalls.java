package io.clusterflock.internal.os;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The file calls {@link Libc} does not bind, in its style: open, flock, read and write, for fds the
 * JDK would not hand out (a /dev/null for workers, a lock that is not released by closing another
 * fd, the ends of a pipe).
 */
@SuppressWarnings("restricted") // binding native functions is the point of this class
final class FileCalls {
    static final int O_RDONLY = 0;
    static final int O_WRONLY = 1;
    static final int O_RDWR = 2;
    static final int O_CREAT = 0x40;
    static final int LOCK_EX = 2;
    static final int LOCK_NB = 4;
    static final int EWOULDBLOCK = 11;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    /** The charset the JDK names files with, so the file opened is the one the caller's Path means. */
    private static final Charset FILE_NAMES =
            Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"), StandardCharsets.UTF_8);

    /** open(const char *, int, ...) is variadic: the mode is its variadic part. */
    private static final MethodHandle OPEN = bind("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2), CAPTURE_ERRNO);
    private static final MethodHandle FLOCK = bind("flock", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    /** Returns ssize_t: invoke it with {@link Libc#callSize}. */
    static final MethodHandle READ = bind("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), CAPTURE_ERRNO);
    /** Returns ssize_t: invoke it with {@link Libc#callSize}. */
    static final MethodHandle WRITE = bind("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), CAPTURE_ERRNO);

    private FileCalls() {}

    /** open(2) with O_CLOEXEC added; returns the fd. */
    static int open(Path path, int flags, int mode, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocateFrom(path.toString(), FILE_NAMES);
            Libc.Result result;
            do {
                result = Libc.call(OPEN, name, flags | Libc.O_CLOEXEC, mode);
            } while (result.failed() && result.errno() == Libc.EINTR);
            if (result.failed()) {
                throw NativeException.of(what, result.errno());
            }
            return result.value();
        }
    }

    /** flock(fd, LOCK_EX | LOCK_NB): true when taken, false when another open file description holds it. */
    static boolean tryLockExclusive(int fd, String what) {
        Libc.Result result;
        do {
            result = Libc.call(FLOCK, fd, LOCK_EX | LOCK_NB);
        } while (result.failed() && result.errno() == Libc.EINTR);
        if (result.failed() && result.errno() != EWOULDBLOCK) {
            throw NativeException.of(what, result.errno());
        }
        return !result.failed();
    }

    private static MethodHandle bind(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        return LINKER.defaultLookup().find(name)
                .map(address -> LINKER.downcallHandle(address, descriptor, options))
                .orElse(null);
    }
}
