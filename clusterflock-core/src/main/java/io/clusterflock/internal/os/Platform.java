package io.clusterflock.internal.os;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Whether this machine can run the master: Linux on x86_64 or aarch64 with glibc 2.34 or newer.
 *
 * <p>glibc 2.34 is the floor because it brought {@code posix_spawn_file_actions_addclosefrom_np},
 * which is how workers get only the fds we mean to give them (JDK sockets are not close-on-exec).
 * musl and older glibc lack it, and are refused here rather than failing later mid-spawn.
 */
public final class Platform {

    private static final Set<String> ARCHITECTURES = Set.of("amd64", "x86_64", "aarch64");

    /** Why this machine is unsupported, or null when it is supported. Computed once. */
    private static final String PROBLEM = findProblem();

    private Platform() {}

    /** True when {@link #requireSupported()} would not throw. */
    public static boolean isSupported() {
        return PROBLEM == null;
    }

    /** @throws UnsupportedOperationException with a one-line explanation, when unsupported */
    public static void requireSupported() {
        if (PROBLEM != null) {
            throw new UnsupportedOperationException(PROBLEM);
        }
    }

    @SuppressWarnings("restricted") // one downcall, to name the glibc version in the message
    private static String findProblem() {
        String os = System.getProperty("os.name", "unknown");
        String arch = System.getProperty("os.arch", "unknown");
        String need = "clusterflock's master needs Linux on x86_64 or aarch64 with glibc 2.34 or newer; this is "
                + os + " " + arch;
        if (!os.equals("Linux") || !ARCHITECTURES.contains(arch.toLowerCase(Locale.ROOT))) {
            return need;
        }
        try {
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            Optional<MemorySegment> version = libc.find("gnu_get_libc_version");
            if (version.isEmpty()) {
                return need + " without glibc";
            }
            if (libc.find("posix_spawn_file_actions_addclosefrom_np").isEmpty()) {
                MemorySegment text = (MemorySegment) linker
                        .downcallHandle(version.get(), FunctionDescriptor.of(ValueLayout.ADDRESS))
                        .invokeExact();
                return need + " with glibc " + text.reinterpret(Integer.MAX_VALUE).getString(0);
            }
            return null;
        } catch (RuntimeException e) {
            // e.g. IllegalCallerException when native access is denied to this module.
            return "clusterflock's master cannot call native code: " + e.getMessage();
        } catch (Throwable t) {
            return need + " (" + t + ")";
        }
    }
}
