package io.clusterflock.internal.os;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Renames this process as {@code ps} shows it, the way PostgreSQL's setproctitle does: by writing
 * over the memory that holds the original argv, which is what /proc/self/cmdline reads.
 *
 * <p>That destroys the original command line. Anyone who needs it must capture it first; this class
 * captures it at class load, before any {@link #set}, and {@link #commandLine()} returns that copy.
 * The title can be no longer than the original command line (its bytes, NULs included, minus one).
 */
public final class ProcessTitle {

    /** Read when this class loads, which is necessarily before the first set(). */
    private static final List<String> COMMAND_LINE = readCommandLine();

    private ProcessTitle() {}

    /**
     * Shows {@code title} as this process's command line, truncated to fit.
     *
     * @return false, never an exception, when it could not be done (unsupported platform, /proc
     *         unreadable or hiding the addresses)
     */
    @SuppressWarnings("restricted") // raw memory at an address the kernel told us
    public static synchronized boolean set(String title) {
        if (!Platform.isSupported() || title == null) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // Field 2 is "(comm)" and comm may hold spaces or ')': count fields after the last ')'.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 1).trim().split(" ");
            long argStart = Long.parseLong(fields[field(48)]);
            long argEnd = Long.parseLong(fields[field(49)]);
            if (argStart == 0 || argEnd <= argStart + 1) {
                return false; // 0 when /proc hides them from us
            }
            MemorySegment area = MemorySegment.ofAddress(argStart).reinterpret(argEnd - argStart);
            // Keep the last byte NUL: the kernel then reads exactly this area as the command line.
            byte[] text = utf8Prefix(title, (int) Math.min(area.byteSize() - 1, Integer.MAX_VALUE));
            MemorySegment.copy(MemorySegment.ofArray(text), 0, area, 0, text.length);
            area.asSlice(text.length).fill((byte) 0);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The original command line of this process (argv), as it was before any {@link #set}; empty if unknown. */
    public static List<String> commandLine() {
        return COMMAND_LINE;
    }

    /**
     * This JVM's command line with argv[0] made absolute (the running java binary), so that it can
     * be executed again as is: what library mode runs as each worker.
     *
     * @throws IllegalStateException when the command line cannot be read
     */
    public static List<String> thisJvmCommand() {
        if (COMMAND_LINE.isEmpty()) {
            throw new IllegalStateException("cannot read this JVM's command line from /proc/self/cmdline");
        }
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(COMMAND_LINE);
        command.set(0, java);
        return List.copyOf(command);
    }

    /** Index after the last ')' of the 1-based /proc/[pid]/stat field {@code number} (proc(5)). */
    private static int field(int number) {
        return number - 3;
    }

    /** The longest UTF-8 encoding of a prefix of {@code text} that fits, never splitting a character. */
    private static byte[] utf8Prefix(String text, int maxBytes) {
        ByteBuffer out = ByteBuffer.allocate(maxBytes);
        StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE)
                .encode(CharBuffer.wrap(text), out, true); // stops at a character boundary when full
        byte[] bytes = new byte[out.position()];
        out.flip().get(bytes);
        return bytes;
    }

    private static List<String> readCommandLine() {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc/self/cmdline"));
            List<String> args = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < raw.length; i++) {
                if (raw[i] == 0) {
                    args.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
                    start = i + 1;
                }
            }
            if (start < raw.length) { // no final NUL
                args.add(new String(raw, start, raw.length - start, StandardCharsets.UTF_8));
            }
            return List.copyOf(args);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
