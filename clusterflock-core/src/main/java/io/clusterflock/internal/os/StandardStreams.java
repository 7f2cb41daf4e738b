package io.clusterflock.internal.os;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;

/**
 * Keeps a worker's stdout and stderr across the close of its inherited channel. The JDK's
 * {@code InheritedChannel}, when closed, dup2s /dev/null onto fds 0, 1 and 2; a server that closes
 * it when it stops accepting (Jetty does) would lose every log line after that. {@link #keep}
 * saves copies of fds 1 and 2; closing the returned handle puts them back.
 *
 * <p>Needs native access; without it (or off Linux) it does nothing and the streams are lost as
 * before.
 */
public final class StandardStreams implements AutoCloseable {
    private static final MethodHandle DUP = handle("dup", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle DUP2 = handle("dup2", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle CLOSE = handle("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private final int savedOut;
    private final int savedErr;

    private StandardStreams(int savedOut, int savedErr) {
        this.savedOut = savedOut;
        this.savedErr = savedErr;
    }

    /** Saves fds 1 and 2; close the result once the channel is closed. */
    public static StandardStreams keep() {
        if (DUP == null) {
            return new StandardStreams(-1, -1);
        }
        return new StandardStreams(invoke(DUP, 1), invoke(DUP, 2));
    }

    /** Puts the saved fds back on 1 and 2. */
    @Override
    public void close() {
        restore(savedOut, 1);
        restore(savedErr, 2);
    }

    private static void restore(int saved, int target) {
        if (saved >= 0) {
            invoke(DUP2, saved, target);
            invoke(CLOSE, saved);
        }
    }

    private static int invoke(MethodHandle handle, int... args) {
        try {
            return args.length == 1 ? (int) handle.invokeExact(args[0]) : (int) handle.invokeExact(args[0], args[1]);
        } catch (Throwable t) {
            return -1;
        }
    }

    @SuppressWarnings("restricted")
    private static MethodHandle handle(String name, FunctionDescriptor descriptor) {
        if (!StandardStreams.class.getModule().isNativeAccessEnabled() || !Platform.isSupported()) {
            return null; // no warning printed for a worker run without --enable-native-access
        }
        Linker linker = Linker.nativeLinker();
        return linker.defaultLookup().find(name).map(address -> linker.downcallHandle(address, descriptor)).orElse(null);
    }
}
