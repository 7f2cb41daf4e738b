package io.clusterflock.internal.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clusterflock.internal.control.RequestReader.Request;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RequestReaderTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Test
    void aLineEndsAtTheNewlineWithoutItsCarriageReturn() throws IOException {
        assertEquals(new Request.Line("status --json"), read("status --json\n"));
        assertEquals(new Request.Line("status"), read("status\r\n"));
    }

    @Test
    void whatFollowsTheNewlineIsIgnored() throws IOException {
        assertEquals(new Request.Line("stop"), read("stop\nkill\n\u0000\u0001"));
    }

    @Test
    void theEndOfInputEndsALineToo() throws IOException {
        assertEquals(new Request.Line("reload"), read("reload"));
    }

    @Test
    void aClientThatSendsNothingAsksNothing() throws IOException {
        assertEquals(new Request.Nothing(), read(""));
    }

    @Test
    void aLineArrivingAByteAtATimeIsReadWhole() throws IOException {
        assertEquals(new Request.Line("scale 5"), RequestReader.read(oneByteAtATime("scale 5\nx"), () -> false, TIMEOUT));
    }

    @Test
    void upTo1024BytesAreALineAndOneMoreIsNot() throws IOException {
        String longest = "s".repeat(RequestReader.MAX_BYTES);
        assertEquals(new Request.Line(longest), read(longest + "\n"));
        assertEquals(new Request.Refused("the command line is longer than 1024 bytes"), read(longest + "s\n"));
        assertEquals(new Request.Refused("the command line is longer than 1024 bytes"), read("x".repeat(1 << 20)));
    }

    @Test
    void bytesThatAreNotUtf8AreRefused() throws IOException {
        assertEquals(new Request.Refused("the command line is not UTF-8 text"),
                RequestReader.read(channel(new byte[] {'s', (byte) 0xff, (byte) 0xfe, '\n'}), () -> false, TIMEOUT));
    }

    @Test
    void controlCharactersAreRefusedButATabIsABlank() throws IOException {
        assertEquals(new Request.Refused("the command line holds control characters"), read("sta\u0000tus\n"));
        assertEquals(new Request.Refused("the command line holds control characters"), read("\u001b[2Jstatus\n"));
        assertEquals(new Request.Line("scale\t2"), read("scale\t2\n"));
    }

    @Test
    void anUnfinishedLineAtTheDeadlineIsRefused() throws IOException {
        assertEquals(new Request.Refused("no complete command line within 5s"),
                RequestReader.read(channel("stat".getBytes(StandardCharsets.UTF_8)), () -> true, TIMEOUT));
    }

    private static Request read(String text) throws IOException {
        return RequestReader.read(channel(text.getBytes(StandardCharsets.UTF_8)), () -> false, TIMEOUT);
    }

    private static ReadableByteChannel channel(byte[] bytes) {
        return Channels.newChannel(new ByteArrayInputStream(bytes));
    }

    private static ReadableByteChannel oneByteAtATime(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return new ReadableByteChannel() {
            private int next;

            @Override
            public int read(ByteBuffer buffer) {
                if (next == bytes.length) {
                    return -1;
                }
                buffer.put(Arrays.copyOfRange(bytes, next, ++next));
                return 1;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        };
    }
}
