package io.clusterflock.internal.master;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LinePrefixerTest {
    private static final byte[] PREFIX = "[worker 3] ".getBytes(StandardCharsets.UTF_8);

    @Test
    void eachLineIsPrefixedAndALastLineWithoutNewlineIsEndedAtTheEnd() {
        assertEquals("[worker 3] one\n[worker 3] \n[worker 3] two\r\n[worker 3] tail\n", copy("one\n\ntwo\r\ntail"));
    }

    @Test
    void nothingInNothingOut() {
        assertEquals("", copy(""));
    }

    @Test
    void bytesPassUnchangedWhateverTheirEncoding() {
        byte[] latin1 = {'a', (byte) 0xe9, '\n'};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new LinePrefixer(PREFIX, new ByteArrayInputStream(latin1), out).run();
        byte[] expected = new byte[PREFIX.length + 3];
        System.arraycopy(PREFIX, 0, expected, 0, PREFIX.length);
        System.arraycopy(latin1, 0, expected, PREFIX.length, 3);
        assertEquals(new String(expected, StandardCharsets.ISO_8859_1), out.toString(StandardCharsets.ISO_8859_1));
    }

    @Test
    void anEndlessLineIsCutInto64KiBPieces() {
        String out = copy("x".repeat(LinePrefixer.MAX_LINE * 2 + 5) + "\n");
        String[] lines = out.split("\n");
        assertEquals(3, lines.length);
        assertEquals("[worker 3] " + "x".repeat(LinePrefixer.MAX_LINE), lines[0]);
        assertEquals("[worker 3] xxxxx", lines[2]);
    }

    @Test
    void eachLineIsOneWrite() {
        StringBuilder writes = new StringBuilder();
        OutputStream recorder = new OutputStream() {
            @Override
            public void write(int b) {
                throw new AssertionError("a byte at a time");
            }

            @Override
            public void write(byte[] b, int off, int len) {
                writes.append('<').append(new String(b, off, len, StandardCharsets.UTF_8)).append('>');
            }
        };
        new LinePrefixer(PREFIX, new ByteArrayInputStream("a\nb\n".getBytes(StandardCharsets.UTF_8)), recorder).run();
        assertEquals("<[worker 3] a\n><[worker 3] b\n>", writes.toString());
    }

    @Test
    void whenTheMastersStreamFailsTheWorkerIsStillReadToTheEnd() {
        int[] left = {-1};
        InputStream in = new ByteArrayInputStream("a\n".repeat(10_000).getBytes(StandardCharsets.UTF_8)) {
            @Override
            public void close() {
                left[0] = available();
            }
        };
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        new LinePrefixer(PREFIX, in, broken).run();
        assertEquals(0, left[0], "read to the end, then closed");
    }

    private static String copy(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new LinePrefixer(PREFIX, new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), out).run();
        return out.toString(StandardCharsets.UTF_8);
    }
}
