package io.clusterflock.internal.ipc;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The master↔worker wire format: a 4-byte big-endian length, then that many bytes of UTF-8 text,
 * {@code "<verb>"} or {@code "<verb> <argument>"}. Shared by both ends so they cannot drift.
 */
public final class Frames {
    /** The largest message a worker or the master may send, in bytes of UTF-8. */
    public static final int MAX_MESSAGE = 64 * 1024;
    /** Room for the verb in front of a message of {@link #MAX_MESSAGE} bytes. */
    static final int MAX_FRAME = MAX_MESSAGE + 64;
    /** Beyond this a length is not an oversize message but a broken or hostile stream. */
    static final int MAX_SKIPPABLE = 16 * 1024 * 1024;

    private Frames() {}

    /** A frame that could not be read as one message; the stream stays usable when {@code skipped}. */
    public static final class BadFrame extends IOException {
        final boolean skipped;

        BadFrame(String message, boolean skipped) {
            super(message);
            this.skipped = skipped;
        }
    }

    public static void write(WritableByteChannel channel, String frame) throws IOException {
        byte[] bytes = frame.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(4 + bytes.length).putInt(bytes.length).put(bytes).flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /**
     * Reads one frame of at most {@code limit} bytes.
     *
     * @throws EOFException at a clean end of stream before a frame starts
     * @throws BadFrame     an oversize frame (skipped, the stream goes on) or an unreadable one
     */
    public static String read(ReadableByteChannel channel, int limit) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(4);
        if (!fill(channel, header)) {
            throw new EOFException();
        }
        int length = header.flip().getInt();
        if (length < 0 || length > MAX_SKIPPABLE) {
            throw new BadFrame("a frame length of " + Integer.toUnsignedString(length) + " bytes is not a message", false);
        }
        if (length > limit) {
            skip(channel, length);
            throw new BadFrame("a message of " + length + " bytes is over the limit of " + limit + " bytes; dropped", true);
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        if (!fill(channel, body)) {
            throw new EOFException("the stream ended inside a frame");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(body.flip()).toString();
        } catch (CharacterCodingException e) {
            throw new BadFrame("a message that is not UTF-8 text; dropped", true);
        }
    }

    /** The UTF-8 size of a message, for checks before sending. */
    public static int size(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    private static boolean fill(ReadableByteChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                if (buffer.position() == 0) {
                    return false;
                }
                throw new EOFException("the stream ended inside a frame");
            }
        }
        return true;
    }

    private static void skip(ReadableByteChannel channel, int length) throws IOException {
        ByteBuffer sink = ByteBuffer.allocate(8192);
        int left = length;
        while (left > 0) {
            sink.clear().limit(Math.min(left, sink.capacity()));
            int n = channel.read(sink);
            if (n < 0) {
                throw new EOFException("the stream ended inside a frame");
            }
            left -= n;
        }
    }
}
