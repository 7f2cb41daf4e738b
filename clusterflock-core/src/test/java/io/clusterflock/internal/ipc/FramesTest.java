package io.clusterflock.internal.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import org.junit.jupiter.api.Test;

class FramesTest {

    private static ReadableByteChannel channel(byte[]... parts) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            bytes.writeBytes(part);
        }
        return Channels.newChannel(new ByteArrayInputStream(bytes.toByteArray()));
    }

    private static byte[] frame(String text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Frames.write(Channels.newChannel(out), text);
        return out.toByteArray();
    }

    private static byte[] header(int length) {
        return ByteBuffer.allocate(4).putInt(length).array();
    }

    @Test
    void aFrameRoundTripsAsUtf8() throws IOException {
        assertEquals("msg héllo ✓", Frames.read(channel(frame("msg héllo ✓")), Frames.MAX_FRAME));
    }

    @Test
    void anOversizeFrameIsSkippedAndTheNextOneIsRead() throws IOException {
        ReadableByteChannel in = channel(frame("x".repeat(100)), frame("ready"));
        Frames.BadFrame bad = assertThrows(Frames.BadFrame.class, () -> Frames.read(in, 50));
        assertTrue(bad.skipped);
        assertTrue(bad.getMessage().contains("100 bytes is over the limit of 50 bytes"), bad.getMessage());
        assertEquals("ready", Frames.read(in, 50));
    }

    @Test
    void aNegativeOrHugeLengthIsNotAMessageAndEndsTheStream() {
        Frames.BadFrame negative = assertThrows(Frames.BadFrame.class, () -> Frames.read(channel(header(-1)), 50));
        assertFalse(negative.skipped);
        Frames.BadFrame huge = assertThrows(Frames.BadFrame.class,
                () -> Frames.read(channel(header(Frames.MAX_SKIPPABLE + 1)), 50));
        assertFalse(huge.skipped);
    }

    @Test
    void invalidUtf8IsDroppedAndTheStreamGoesOn() throws IOException {
        ReadableByteChannel in = channel(header(2), new byte[] {(byte) 0xC3, (byte) 0x28}, frame("ready"));
        Frames.BadFrame bad = assertThrows(Frames.BadFrame.class, () -> Frames.read(in, 50));
        assertTrue(bad.skipped);
        assertEquals("ready", Frames.read(in, 50));
    }

    @Test
    void theEndOfTheStreamBetweenFramesIsAnEofAndInsideOneToo() {
        assertThrows(EOFException.class, () -> Frames.read(channel(), 50));
        assertThrows(EOFException.class, () -> Frames.read(channel(header(10), "abc".getBytes()), 50));
    }
}
