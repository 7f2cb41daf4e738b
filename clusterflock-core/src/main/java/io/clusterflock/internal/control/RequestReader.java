package io.clusterflock.internal.control;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Reads the one line a control client sends: at most {@link #MAX_BYTES} bytes of UTF-8 text up to
 * a newline (or the end of input), with no control characters. Bytes after the newline are ignored.
 */
final class RequestReader {
    static final int MAX_BYTES = 1024;

    /** What the client sent. */
    sealed interface Request {
        /** A line of text, without its line ending. */
        record Line(String text) implements Request {}

        /** Nothing at all: the client connected and closed. */
        record Nothing() implements Request {}

        /** Something that is not a command line; {@code reason} is for the client. */
        record Refused(String reason) implements Request {}
    }

    private RequestReader() {}

    /**
     * Reads until a newline, the end of input, or more than {@link #MAX_BYTES} bytes.
     *
     * @param timedOut whether the end of input came from the deadline rather than from the client
     * @param timeout  the deadline, for the message
     */
    static Request read(ReadableByteChannel in, BooleanSupplier timedOut, Duration timeout) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(MAX_BYTES + 1);
        int scanned = 0;
        while (buffer.hasRemaining()) {
            int n = in.read(buffer);
            if (n < 0) {
                if (timedOut.getAsBoolean()) {
                    return new Request.Refused("no complete command line within " + StatusText.seconds(timeout));
                }
                return buffer.position() == 0 ? new Request.Nothing() : decode(buffer, buffer.position());
            }
            for (; scanned < buffer.position(); scanned++) {
                if (buffer.get(scanned) == '\n') {
                    return decode(buffer, scanned);
                }
            }
        }
        return new Request.Refused("the command line is longer than " + MAX_BYTES + " bytes");
    }

    private static Request decode(ByteBuffer buffer, int end) {
        String text;
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(buffer.duplicate().flip().limit(end));
            text = chars.toString();
        } catch (CharacterCodingException e) {
            return new Request.Refused("the command line is not UTF-8 text");
        }
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        if (text.chars().anyMatch(c -> c != '\t' && Character.isISOControl(c))) {
            return new Request.Refused("the command line holds control characters");
        }
        return new Request.Line(text);
    }
}
